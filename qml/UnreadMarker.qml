import QtQuick

// The line above the first message that was unread when the room was opened.
Item {
    id: root

    implicitHeight: 28
    Accessible.role: Accessible.Separator
    Accessible.name: label.text

    Rectangle {
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: label.left
        anchors.leftMargin: 20
        anchors.rightMargin: 8
        height: 1
        color: Theme.unreadMarker
    }
    Text {
        id: label
        anchors.verticalCenter: parent.verticalCenter
        anchors.right: parent.right
        anchors.rightMargin: 20
        text: qsTr("New messages")
        color: Theme.unreadMarker
        font.pixelSize: Theme.smallFontSize
        font.bold: true
    }
}
