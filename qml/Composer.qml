import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Where messages are written. Enter sends, Shift+Enter starts a new line, Up in an empty
// composer edits the last own message, Esc ends editing. The room decides what sending means.
Rectangle {
    id: root

    property string placeholder
    property bool editing: false
    property string problem
    readonly property alias text: input.text
    signal sendRequested(string text)
    signal editLastRequested
    signal cancelEditRequested
    signal textEdited(string text)

    function submit() {
        if (root.problem.length === 0 && input.text.trim().length > 0)
            root.sendRequested(input.text);
    }
    function clear() {
        input.clear();
    }
    function setText(text: string) {
        input.text = text;
        input.cursorPosition = input.length;
    }
    function focusInput() {
        input.forceActiveFocus();
    }

    objectName: "composer"
    implicitHeight: column.implicitHeight + 16
    color: Theme.background

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.leftMargin: 16
        anchors.rightMargin: 16
        anchors.bottomMargin: 16
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 4
            visible: root.editing
            spacing: 8
            Icon {
                iconName: "edit"
                size: 16
                color: Theme.accent
            }
            Text {
                Layout.fillWidth: true
                text: qsTr("Editing message. Press Esc to cancel.")
                color: Theme.accent
                font.pixelSize: Theme.smallFontSize
                font.bold: true
            }
            IconButton {
                iconName: "close"
                toolTip: qsTr("Cancel editing")
                implicitWidth: 28
                implicitHeight: 28
                onClicked: root.cancelEditRequested()
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: Math.min(input.implicitHeight, 180) + 8
            radius: 12
            color: Theme.surface
            border.width: input.activeFocus ? 2 : 1
            border.color: root.problem.length > 0 ? Theme.danger : input.activeFocus ? Theme.accent : Theme.border

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 14
                anchors.rightMargin: 6
                spacing: 6

                ScrollView {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(input.implicitHeight, 180)
                    Layout.alignment: Qt.AlignVCenter
                    ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

                    TextArea {
                        id: input
                        objectName: "composerInput"
                        placeholderText: root.placeholder
                        placeholderTextColor: Theme.faintText
                        color: Theme.text
                        font.pixelSize: Theme.fontSize
                        wrapMode: TextEdit.Wrap
                        textFormat: TextEdit.PlainText
                        selectByMouse: true
                        leftPadding: 0
                        rightPadding: 0
                        topPadding: 10
                        bottomPadding: 10
                        background: null
                        Accessible.name: qsTr("Message")
                        Accessible.description: root.placeholder
                        onTextChanged: root.textEdited(input.text)

                        Keys.onPressed: event => {
                            if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                                event.accepted = true;
                                root.submit();
                            } else if (event.key === Qt.Key_Up && input.length === 0 && !root.editing) {
                                event.accepted = true;
                                root.editLastRequested();
                            } else if (event.key === Qt.Key_Escape && root.editing) {
                                event.accepted = true;
                                root.cancelEditRequested();
                            }
                        }
                    }
                }
                IconButton {
                    objectName: "sendButton"
                    Layout.alignment: Qt.AlignBottom
                    Layout.bottomMargin: 2
                    iconName: root.editing ? "check" : "send"
                    iconColor: Theme.accent
                    toolTip: root.editing ? qsTr("Save") : qsTr("Send")
                    enabled: input.text.trim().length > 0 && root.problem.length === 0
                    onClicked: root.submit()
                }
            }
        }

        Text {
            objectName: "composerProblem"
            Layout.fillWidth: true
            Layout.leftMargin: 4
            visible: root.problem.length > 0
            text: root.problem
            color: Theme.danger
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
    }
}
