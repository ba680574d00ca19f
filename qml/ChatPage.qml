pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The signed-in window: rooms on the left, the room in view in the middle, its members on
// the right, and the dialogs that act on rooms.
Rectangle {
    id: root

    required property ChatClient client
    readonly property RoomController room: root.client.currentRoom
    property bool membersVisible: root.width >= 1040

    function openRoomAt(offset: int) {
        const rooms = root.client.rooms;
        if (rooms.count === 0)
            return;
        const current = root.room ? rooms.rowOf(root.room.roomId) : -1;
        const next = Math.max(0, Math.min(rooms.count - 1, current + offset));
        root.client.openRoom(rooms.roomIdAt(next));
    }

    objectName: "chatPage"
    color: Theme.background

    Shortcut {
        sequences: ["Ctrl+K"]
        onActivated: switcher.open()
    }
    Shortcut {
        sequences: ["Alt+Down", "Ctrl+Tab"]
        onActivated: root.openRoomAt(1)
    }
    Shortcut {
        sequences: ["Alt+Up", "Ctrl+Shift+Tab"]
        onActivated: root.openRoomAt(-1)
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        RoomSidebar {
            Layout.fillHeight: true
            Layout.preferredWidth: 300
            client: root.client
            onSwitcherRequested: switcher.open()
            onBrowseRequested: directory.open()
            onCreateRequested: createDialog.open()
            onSettingsRequested: settingsDialog.open()
        }
        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            color: Theme.border
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ConnectionBanner {
                Layout.fillWidth: true
                session: root.client.session
            }
            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                EmptyState {
                    anchors.centerIn: parent
                    visible: root.room === null
                    iconName: "compass"
                    title: root.client.rooms.count > 0 ? qsTr("No room selected") : qsTr("Welcome to Confab")
                    hint: root.client.rooms.count > 0 ? qsTr("Pick a room on the left, or press Ctrl+K to find one.") : qsTr("You are not in any room yet. Browse the public rooms or create your own.")

                    Button {
                        text: qsTr("Browse rooms")
                        font.capitalization: Font.MixedCase
                        onClicked: directory.open()
                    }
                    PrimaryButton {
                        text: qsTr("Create a room")
                        onClicked: createDialog.open()
                    }
                }
                // A view of its own for each room that is opened.
                Repeater {
                    model: root.room ? [root.room] : []
                    delegate: RoomView {
                        required property RoomController modelData
                        anchors.fill: parent
                        client: root.client
                        room: modelData
                        membersVisible: root.membersVisible
                        onMembersToggled: root.membersVisible = !root.membersVisible
                        onInviteRequested: inviteDialog.open()
                    }
                }
            }
        }
        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            visible: members.visible
            color: Theme.border
        }
        MemberPanel {
            id: members
            Layout.fillHeight: true
            Layout.preferredWidth: 250
            visible: root.membersVisible && root.room !== null
            room: root.room
            onInviteRequested: inviteDialog.open()
        }
    }

    QuickSwitcher {
        id: switcher
        client: root.client
    }
    RoomDirectoryDialog {
        id: directory
        client: root.client
    }
    CreateRoomDialog {
        id: createDialog
        client: root.client
    }
    InviteDialog {
        id: inviteDialog
        room: root.room
    }
    SettingsDialog {
        id: settingsDialog
        client: root.client
    }
}
