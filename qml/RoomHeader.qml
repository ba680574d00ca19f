import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The room's name and topic above its timeline, with the room's actions.
Rectangle {
    id: root

    required property RoomController room
    property bool membersVisible
    signal membersToggled
    signal inviteRequested
    signal leaveRequested

    implicitHeight: 60
    color: Theme.background

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 20
        anchors.rightMargin: 12
        spacing: 10

        Icon {
            iconName: root.room && root.room.isPrivate ? "lock" : "hash"
            size: 20
            color: Theme.secondaryText
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 1
            Text {
                objectName: "roomTitle"
                Layout.fillWidth: true
                text: root.room ? root.room.name : ""
                color: Theme.text
                font.pixelSize: Theme.largeFontSize
                font.bold: true
                elide: Text.ElideRight
                textFormat: Text.PlainText
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Text {
                Layout.fillWidth: true
                visible: text.length > 0
                text: root.room ? (root.room.topic.length > 0 ? root.room.topic : qsTr("%n member(s)", "", root.room.memberCount)) : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideRight
                textFormat: Text.PlainText
            }
        }
        IconButton {
            objectName: "inviteButton"
            iconName: "person-add"
            toolTip: qsTr("Invite someone")
            onClicked: root.inviteRequested()
        }
        IconButton {
            objectName: "membersButton"
            iconName: "members"
            toolTip: root.membersVisible ? qsTr("Hide members") : qsTr("Show members")
            iconColor: root.membersVisible ? Theme.accent : Theme.secondaryText
            onClicked: root.membersToggled()
        }
        IconButton {
            id: moreButton
            iconName: "more"
            toolTip: qsTr("More")
            onClicked: roomMenu.popup(moreButton, 0, moreButton.height)

            Menu {
                id: roomMenu

                background: Rectangle {
                    implicitWidth: 200
                    radius: Theme.smallRadius
                    color: Theme.surface
                    border.color: Theme.border
                }
                MenuItem {
                    text: qsTr("Leave room")
                    icon.source: Qt.resolvedUrl("icons/logout.svg")
                    onTriggered: root.leaveRequested()
                }
            }
        }
    }
    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }
}
