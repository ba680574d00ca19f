import QtQuick
import QtQuick.Layouts
import Confab

// One room: its header, its timeline, who is typing, and the composer. Made anew for each
// room the user opens, so that scroll position and composer state belong to that room.
ColumnLayout {
    id: root

    required property ChatClient client
    required property RoomController room
    property bool membersVisible
    signal membersToggled
    signal inviteRequested

    spacing: 0

    RoomHeader {
        Layout.fillWidth: true
        room: root.room
        membersVisible: root.membersVisible
        onMembersToggled: root.membersToggled()
        onInviteRequested: root.inviteRequested()
        onLeaveRequested: root.client.leaveRoom(root.room.roomId)
    }
    TimelineView {
        Layout.fillWidth: true
        Layout.fillHeight: true
        client: root.client
        room: root.room
    }
    Text {
        objectName: "typingIndicator"
        Layout.fillWidth: true
        Layout.leftMargin: 24
        Layout.preferredHeight: 18
        text: root.room.typingText
        color: Theme.secondaryText
        font.pixelSize: Theme.smallFontSize
        font.italic: true
        elide: Text.ElideRight
        textFormat: Text.PlainText
    }
    Composer {
        id: composer
        Layout.fillWidth: true
        placeholder: qsTr("Message %1").arg(root.room.name)
        editing: root.room.editingSeq > 0
        problem: root.room.textProblem(composer.text)
        onSendRequested: text => {
            if (root.room.send(text))
                composer.clear();
        }
        onEditLastRequested: root.room.editLastMessage()
        onCancelEditRequested: {
            root.room.cancelEditing();
            composer.clear();
        }
        onTextEdited: text => root.room.composerTextChanged(text)

        Connections {
            target: root.room
            function onEditingChanged() {
                if (root.room.editingSeq > 0)
                    composer.setText(root.room.editingText);
            }
        }
        Component.onCompleted: {
            composer.setText(root.room.draft);
            composer.focusInput();
        }
    }
}
