import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled text field of the sign-in and room forms.
ColumnLayout {
    id: root

    property alias label: caption.text
    property alias text: field.text
    property alias placeholderText: field.placeholderText
    property alias echoMode: field.echoMode
    property alias field: field
    property alias inputMethodHints: field.inputMethodHints
    signal accepted

    spacing: 6

    Text {
        id: caption
        color: Theme.secondaryText
        font.pixelSize: Theme.smallFontSize
        font.bold: true
        textFormat: Text.PlainText
    }
    TextField {
        id: field
        Layout.fillWidth: true
        leftPadding: 12
        rightPadding: 12
        topPadding: 10
        bottomPadding: 10
        font.pixelSize: Theme.fontSize
        color: Theme.text
        placeholderTextColor: Theme.faintText
        selectByMouse: true
        Accessible.name: root.label
        background: Rectangle {
            implicitHeight: 42
            radius: Theme.smallRadius
            color: Theme.surface
            border.width: field.activeFocus ? 2 : 1
            border.color: field.activeFocus ? Theme.accent : Theme.border
        }
        onAccepted: root.accepted()
    }
}
