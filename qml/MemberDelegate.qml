import QtQuick
import QtQuick.Layouts

// A member of the room with a presence dot.
Item {
    id: root

    required property string name
    required property string presence
    required property bool isSelf

    width: ListView.view ? ListView.view.width : 240
    implicitHeight: 44
    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1, %2").arg(root.name).arg(presenceLabel.text)

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 20
        anchors.rightMargin: 12
        spacing: 10

        Item {
            implicitWidth: 32
            implicitHeight: 32
            opacity: root.presence === "offline" ? 0.55 : 1
            Avatar {
                name: root.name
                size: 32
            }
            PresenceDot {
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                presence: root.presence
                ring: Theme.sidebar
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0
            Text {
                Layout.fillWidth: true
                text: root.isSelf ? qsTr("%1 (you)").arg(root.name) : root.name
                color: root.presence === "offline" ? Theme.secondaryText : Theme.text
                font.pixelSize: Theme.fontSize
                elide: Text.ElideRight
                textFormat: Text.PlainText
            }
            Text {
                id: presenceLabel
                text: root.presence === "online" ? qsTr("Online") : root.presence === "away" ? qsTr("Away") : qsTr("Offline")
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
}
