import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// An invitation to a room, with Join and Decline.
Rectangle {
    id: root

    required property real roomId
    required property string name
    required property string invitedBy
    signal acceptRequested(real roomId)
    signal declineRequested(real roomId)

    implicitHeight: layout.implicitHeight + 20
    color: "transparent"
    Accessible.name: qsTr("%1 invited you to %2").arg(root.invitedBy).arg(root.name)

    Rectangle {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        radius: Theme.radius
        color: Theme.selected
    }
    ColumnLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: 10
        anchors.leftMargin: 20
        anchors.rightMargin: 18
        spacing: 4

        Text {
            Layout.fillWidth: true
            text: qsTr("%1 invited you to %2").arg(root.invitedBy).arg(root.name)
            color: Theme.text
            font.pixelSize: Theme.smallFontSize + 1
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
        RowLayout {
            spacing: 4
            PrimaryButton {
                text: qsTr("Join")
                implicitHeight: 32
                onClicked: root.acceptRequested(root.roomId)
            }
            Button {
                text: qsTr("Decline")
                flat: true
                implicitHeight: 32
                font.capitalization: Font.MixedCase
                onClicked: root.declineRequested(root.roomId)
            }
        }
    }
}
