import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A room in the sidebar: its name, the newest message and its time, and the unread count.
ItemDelegate {
    id: root

    required property int index
    required property real roomId
    required property string name
    required property bool isPrivate
    required property int unread
    required property string preview
    required property string previewSender
    required property string lastActivityText
    property bool selected: false

    implicitHeight: 64
    leftPadding: 20
    rightPadding: 16
    highlighted: root.selected
    Accessible.name: root.unread > 0 ? qsTr("%1, %n unread message(s)", "", root.unread).arg(root.name) : root.name

    background: Rectangle {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        radius: Theme.radius
        color: root.selected ? Theme.selected : root.hovered ? Theme.hover : "transparent"
    }

    contentItem: RowLayout {
        spacing: 12

        Rectangle {
            implicitWidth: 40
            implicitHeight: 40
            radius: 12
            color: Theme.avatarColor(root.name)
            Text {
                anchors.centerIn: parent
                text: root.name.length > 0 ? root.name.charAt(0).toUpperCase() : "#"
                color: "#FFFFFF"
                font.pixelSize: 18
                font.bold: true
                textFormat: Text.PlainText
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 3

            RowLayout {
                Layout.fillWidth: true
                spacing: 4
                Icon {
                    visible: root.isPrivate
                    iconName: "lock"
                    size: 13
                    color: Theme.secondaryText
                }
                Text {
                    Layout.fillWidth: true
                    text: root.name
                    color: Theme.text
                    font.pixelSize: Theme.fontSize + 1
                    font.bold: root.unread > 0 || root.selected
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                }
                Text {
                    text: root.lastActivityText
                    color: root.unread > 0 ? Theme.accent : Theme.faintText
                    font.pixelSize: Theme.smallFontSize
                    textFormat: Text.PlainText
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 6
                Text {
                    objectName: "roomPreview"
                    Layout.fillWidth: true
                    text: root.previewSender.length > 0 ? qsTr("%1: %2").arg(root.previewSender).arg(root.preview) : root.preview
                    color: root.unread > 0 ? Theme.text : Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize + 1
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    textFormat: Text.PlainText
                }
                UnreadBadge {
                    objectName: "unreadBadge"
                    count: root.unread
                }
            }
        }
    }
}
