// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// A new room: its name, an optional topic, and whether it is private (by invitation only).
Dialog {
    id: root

    required property ChatClient client
    property string error

    function create() {
        root.error = "";
        root.client.createRoom(nameField.text, topicField.text, privateSwitch.checked);
    }

    objectName: "createRoomDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(460, parent.width - 48)
    modal: true
    padding: 24
    title: qsTr("Create a room")
    onOpened: {
        nameField.text = "";
        topicField.text = "";
        privateSwitch.checked = false;
        root.error = "";
        nameField.field.forceActiveFocus();
    }
    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.color: Theme.border
    }

    header: DialogTitle {
        text: root.title
    }

    Connections {
        target: root.client
        function onCreateRoomFinished(ok: bool, message: string) {
            if (!root.opened)
                return;
            if (ok)
                root.close();
            else
                root.error = message;
        }
    }

    contentItem: ColumnLayout {
        spacing: 14

        FormField {
            id: nameField
            Layout.fillWidth: true
            label: qsTr("Name")
            placeholderText: qsTr("e.g. design-team")
            onAccepted: root.create()
        }
        FormField {
            id: topicField
            Layout.fillWidth: true
            label: qsTr("Topic (optional)")
            placeholderText: qsTr("What is this room about?")
            onAccepted: root.create()
        }
        RowLayout {
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Text {
                    text: qsTr("Private room")
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                }
                Text {
                    Layout.fillWidth: true
                    text: qsTr("Only people you invite can join.")
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                }
            }
            ToggleSwitch {
                id: privateSwitch
                Accessible.name: qsTr("Private room")
            }
        }
        Text {
            Layout.fillWidth: true
            visible: root.error.length > 0
            text: root.error
            color: Theme.danger
            font.pixelSize: Theme.fontSize
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
    }

    footer: DialogButtonBox {
        background: null
        Button {
            text: qsTr("Cancel")
            flat: true
            font.capitalization: Font.MixedCase
            onClicked: root.close()
        }
        PrimaryButton {
            objectName: "createRoomConfirm"
            text: qsTr("Create")
            enabled: nameField.text.trim().length > 0
            onClicked: root.create()
        }
    }
}
