// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// Invite someone to the room in view by user name.
Dialog {
    id: root

    required property RoomController room
    property string resultText
    property bool succeeded

    objectName: "inviteDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(420, parent.width - 48)
    modal: true
    padding: 24
    title: root.room ? qsTr("Invite to %1").arg(root.room.name) : ""
    onOpened: {
        userField.text = "";
        root.resultText = "";
        userField.field.forceActiveFocus();
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
        target: root.room
        function onInviteFinished(ok: bool, message: string) {
            root.succeeded = ok;
            root.resultText = message;
            if (ok)
                userField.text = "";
        }
    }

    contentItem: ColumnLayout {
        spacing: 12
        FormField {
            id: userField
            Layout.fillWidth: true
            label: qsTr("User name")
            placeholderText: qsTr("Their user name on this server")
            onAccepted: root.room.invite(userField.text)
        }
        Text {
            Layout.fillWidth: true
            visible: root.resultText.length > 0
            text: root.resultText
            color: root.succeeded ? Theme.online : Theme.danger
            font.pixelSize: Theme.fontSize
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
    }

    footer: DialogButtonBox {
        background: null
        Button {
            text: qsTr("Close")
            flat: true
            font.capitalization: Font.MixedCase
            onClicked: root.close()
        }
        PrimaryButton {
            text: qsTr("Invite")
            enabled: userField.text.trim().length > 0
            onClicked: root.room.invite(userField.text)
        }
    }
}
