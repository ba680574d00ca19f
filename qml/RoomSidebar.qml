pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The user, invitations and the user's rooms, most recent activity first.
Rectangle {
    id: root

    required property ChatClient client
    signal switcherRequested
    signal browseRequested
    signal createRequested
    signal settingsRequested

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 16
            Layout.bottomMargin: 12
            spacing: 10

            Item {
                implicitWidth: 38
                implicitHeight: 38
                Avatar {
                    name: root.client.userName
                    size: 38
                }
                PresenceDot {
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    presence: root.client.session.online ? "online" : "offline"
                    ring: Theme.sidebar
                }
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Text {
                    Layout.fillWidth: true
                    text: root.client.userName
                    color: Theme.text
                    font.pixelSize: Theme.fontSize + 1
                    font.bold: true
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                }
                Text {
                    Layout.fillWidth: true
                    text: root.client.session.online ? (root.client.syncing ? qsTr("Updating…") : qsTr("Online · %1").arg(root.client.session.serverName)) : qsTr("Offline")
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                }
            }
            IconButton {
                objectName: "settingsButton"
                iconName: "settings"
                toolTip: qsTr("Settings")
                onClicked: root.settingsRequested()
            }
        }

        ItemDelegate {
            id: searchButton
            objectName: "searchButton"
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            implicitHeight: 38
            Accessible.name: qsTr("Find a room")
            onClicked: root.switcherRequested()
            background: Rectangle {
                radius: Theme.smallRadius
                color: searchButton.hovered ? Theme.hover : Theme.raised
                border.color: Theme.border
            }
            contentItem: RowLayout {
                spacing: 8
                Icon {
                    iconName: "search"
                    size: 16
                    color: Theme.faintText
                }
                Text {
                    Layout.fillWidth: true
                    text: qsTr("Find a room")
                    color: Theme.faintText
                    font.pixelSize: Theme.fontSize
                }
                Text {
                    text: qsTr("Ctrl+K")
                    color: Theme.faintText
                    font.pixelSize: Theme.smallFontSize
                }
            }
        }

        Text {
            Layout.leftMargin: 20
            Layout.topMargin: 16
            Layout.bottomMargin: 4
            visible: root.client.invitations.count > 0
            text: qsTr("INVITATIONS")
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize - 1
            font.bold: true
            font.letterSpacing: 0.6
        }
        Repeater {
            model: root.client.invitations
            delegate: InvitationDelegate {
                Layout.fillWidth: true
                onAcceptRequested: roomId => root.client.joinRoom(roomId)
                onDeclineRequested: roomId => root.client.declineInvitation(roomId)
            }
        }

        Text {
            Layout.leftMargin: 20
            Layout.topMargin: 16
            Layout.bottomMargin: 4
            text: qsTr("ROOMS")
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize - 1
            font.bold: true
            font.letterSpacing: 0.6
        }

        ListView {
            id: roomList
            objectName: "roomList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.client.rooms
            spacing: 2
            boundsBehavior: Flickable.StopAtBounds
            activeFocusOnTab: true
            keyNavigationEnabled: true
            currentIndex: root.client.currentRoom ? root.client.rooms.rowOf(root.client.currentRoom.roomId) : -1
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Rooms")
            ScrollBar.vertical: ScrollBar {
            }

            delegate: RoomDelegate {
                id: roomDelegate
                width: roomList.width
                selected: root.client.currentRoom !== null && root.client.currentRoom.roomId === roomDelegate.roomId
                onClicked: root.client.openRoom(roomDelegate.roomId)
            }

            Keys.onReturnPressed: root.client.openRoom(root.client.rooms.roomIdAt(roomList.currentIndex))

            Text {
                anchors.centerIn: parent
                width: parent.width - 40
                visible: roomList.count === 0
                text: qsTr("You are not in any room yet.")
                color: Theme.faintText
                font.pixelSize: Theme.fontSize
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 10
            spacing: 6

            Button {
                id: browseButton
                objectName: "browseRoomsButton"
                Layout.fillWidth: true
                flat: true
                text: qsTr("Browse")
                icon.source: Qt.resolvedUrl("icons/compass.svg")
                icon.color: Theme.secondaryText
                font.capitalization: Font.MixedCase
                Accessible.name: qsTr("Browse public rooms")
                onClicked: root.browseRequested()
            }
            Button {
                id: createButton
                objectName: "createRoomButton"
                Layout.fillWidth: true
                flat: true
                text: qsTr("New room")
                icon.source: Qt.resolvedUrl("icons/plus.svg")
                icon.color: Theme.secondaryText
                font.capitalization: Font.MixedCase
                Accessible.name: qsTr("Create a room")
                onClicked: root.createRequested()
            }
        }
    }
}
