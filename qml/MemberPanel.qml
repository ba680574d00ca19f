import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The members of the room in view with their presence.
Rectangle {
    id: root

    required property RoomController room
    signal inviteRequested

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: 60
            Layout.leftMargin: 20
            Layout.rightMargin: 10
            Text {
                Layout.fillWidth: true
                text: root.room ? qsTr("Members · %1").arg(root.room.members.count) : ""
                color: Theme.text
                font.pixelSize: Theme.fontSize + 1
                font.bold: true
            }
            IconButton {
                iconName: "person-add"
                toolTip: qsTr("Invite someone")
                onClicked: root.inviteRequested()
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }
        ListView {
            objectName: "memberList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.topMargin: 8
            clip: true
            model: root.room ? root.room.members : null
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Members")
            delegate: MemberDelegate {
            }
            ScrollBar.vertical: ScrollBar {
            }
        }
    }
}
