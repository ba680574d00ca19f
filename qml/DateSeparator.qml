import QtQuick

// The day above the first message of that day.
Item {
    id: root

    property string text

    implicitHeight: 40
    Accessible.role: Accessible.Separator
    Accessible.name: root.text

    Rectangle {
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: 20
        anchors.rightMargin: 20
        height: 1
        color: Theme.border
    }
    Rectangle {
        anchors.centerIn: parent
        width: label.implicitWidth + 24
        height: label.implicitHeight + 8
        radius: height / 2
        color: Theme.background
        border.color: Theme.border

        Text {
            id: label
            anchors.centerIn: parent
            text: root.text
            color: Theme.secondaryText
            font.pixelSize: Theme.smallFontSize
            font.bold: true
            textFormat: Text.PlainText
        }
    }
}
