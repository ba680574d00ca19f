pragma ComponentBehavior: Bound
// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The server's public rooms, to find one and join it.
Dialog {
    id: root

    required property ChatClient client

    objectName: "roomDirectory"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(560, parent.width - 48)
    height: Math.min(600, parent.height - 48)
    modal: true
    padding: 20
    title: qsTr("Public rooms")
    onOpened: {
        filter.text = "";
        root.client.publicRooms.refresh();
        filter.forceActiveFocus();
    }
    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.color: Theme.border
    }

    header: DialogTitle {
        text: root.title
    }

    contentItem: ColumnLayout {
        spacing: 12

        TextField {
            id: filter
            Layout.fillWidth: true
            placeholderText: qsTr("Filter rooms")
            Accessible.name: qsTr("Filter rooms")
            onTextChanged: root.client.publicRoomsFilter.filterText = filter.text
        }
        Text {
            visible: root.client.publicRooms.error.length > 0
            text: root.client.publicRooms.error
            color: Theme.danger
            font.pixelSize: Theme.fontSize
            textFormat: Text.PlainText
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.client.publicRoomsFilter
            spacing: 2
            Accessible.role: Accessible.List
            ScrollBar.vertical: ScrollBar {
            }
            delegate: ItemDelegate {
                id: entry
                required property real roomId
                required property string name
                required property string topic
                required property int memberCount
                required property bool joined
                width: list.width
                implicitHeight: 60
                Accessible.name: entry.name
                background: Rectangle {
                    radius: Theme.smallRadius
                    color: entry.hovered ? Theme.hover : "transparent"
                }
                contentItem: RowLayout {
                    spacing: 12
                    Rectangle {
                        implicitWidth: 36
                        implicitHeight: 36
                        radius: 10
                        color: Theme.avatarColor(entry.name)
                        Text {
                            anchors.centerIn: parent
                            text: entry.name.charAt(0).toUpperCase()
                            color: "#FFFFFF"
                            font.bold: true
                            font.pixelSize: 16
                            textFormat: Text.PlainText
                        }
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Text {
                            Layout.fillWidth: true
                            text: entry.name
                            color: Theme.text
                            font.pixelSize: Theme.fontSize
                            font.bold: true
                            elide: Text.ElideRight
                            textFormat: Text.PlainText
                        }
                        Text {
                            Layout.fillWidth: true
                            text: entry.topic.length > 0 ? qsTr("%1 · %n member(s)", "", entry.memberCount).arg(entry.topic) : qsTr("%n member(s)", "", entry.memberCount)
                            color: Theme.secondaryText
                            font.pixelSize: Theme.smallFontSize
                            elide: Text.ElideRight
                            textFormat: Text.PlainText
                        }
                    }
                    PrimaryButton {
                        objectName: entry.joined ? "openRoomButton" : "joinRoomButton"
                        implicitHeight: 34
                        text: entry.joined ? qsTr("Open") : qsTr("Join")
                        Accessible.name: entry.joined ? qsTr("Open %1").arg(entry.name) : qsTr("Join %1").arg(entry.name)
                        onClicked: {
                            root.client.joinRoom(entry.roomId);
                            root.close();
                        }
                    }
                }
            }
            BusyIndicator {
                anchors.centerIn: parent
                running: root.client.publicRooms.loading && list.count === 0
                visible: running
            }
            Text {
                anchors.centerIn: parent
                visible: !root.client.publicRooms.loading && list.count === 0
                text: qsTr("No public rooms found.")
                color: Theme.faintText
                font.pixelSize: Theme.fontSize
            }
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
    }
}
