pragma ComponentBehavior: Bound
// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// Ctrl+K: type part of a room's name, pick it with the arrow keys, Enter opens it.
Popup {
    id: root

    required property ChatClient client

    function openSelected() {
        const roomId = root.client.roomSwitcher.roomIdAt(results.currentIndex);
        if (roomId > 0) {
            root.client.openRoom(roomId);
            root.close();
        }
    }

    objectName: "quickSwitcher"
    parent: Overlay.overlay
    x: (parent.width - width) / 2
    y: Math.round(parent.height * 0.15)
    width: Math.min(520, parent.width - 48)
    padding: 0
    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    onOpened: {
        search.text = "";
        search.forceActiveFocus();
        results.currentIndex = 0;
    }
    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 14
            spacing: 10
            Icon {
                iconName: "search"
                size: 20
                color: Theme.faintText
            }
            TextField {
                id: search
                objectName: "switcherSearch"
                Layout.fillWidth: true
                placeholderText: qsTr("Jump to a room…")
                placeholderTextColor: Theme.faintText
                color: Theme.text
                font.pixelSize: Theme.largeFontSize
                background: null
                Accessible.name: qsTr("Room name")
                onTextChanged: {
                    root.client.roomSwitcher.filterText = search.text;
                    results.currentIndex = 0;
                }
                Keys.onDownPressed: results.incrementCurrentIndex()
                Keys.onUpPressed: results.decrementCurrentIndex()
                onAccepted: root.openSelected()
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }
        ListView {
            id: results
            objectName: "switcherResults"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 360)
            Layout.margins: 6
            clip: true
            model: root.client.roomSwitcher
            highlightMoveDuration: 0
            Accessible.role: Accessible.List
            delegate: ItemDelegate {
                id: entry
                required property int index
                required property string name
                required property string topic
                required property int unread
                required property bool isPrivate
                width: results.width
                implicitHeight: 44
                highlighted: ListView.isCurrentItem
                Accessible.name: entry.name
                background: Rectangle {
                    radius: Theme.smallRadius
                    color: entry.highlighted ? Theme.selected : entry.hovered ? Theme.hover : "transparent"
                }
                contentItem: RowLayout {
                    spacing: 10
                    Icon {
                        iconName: entry.isPrivate ? "lock" : "hash"
                        size: 16
                    }
                    Text {
                        text: entry.name
                        color: Theme.text
                        font.pixelSize: Theme.fontSize
                        font.bold: entry.unread > 0
                        textFormat: Text.PlainText
                    }
                    Text {
                        Layout.fillWidth: true
                        text: entry.topic
                        color: Theme.faintText
                        font.pixelSize: Theme.smallFontSize
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                    }
                    Text {
                        visible: entry.unread > 0
                        text: entry.unread
                        color: Theme.accent
                        font.pixelSize: Theme.smallFontSize
                        font.bold: true
                    }
                }
                onClicked: {
                    results.currentIndex = entry.index;
                    root.openSelected();
                }
            }
        }
        Text {
            Layout.margins: 16
            visible: results.count === 0
            text: qsTr("No room matches.")
            color: Theme.faintText
            font.pixelSize: Theme.fontSize
        }
    }
}
