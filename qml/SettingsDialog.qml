pragma ComponentBehavior: Bound
// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// Appearance, notifications and the account.
Dialog {
    id: root

    required property ChatClient client

    objectName: "settingsDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(460, parent.width - 48)
    modal: true
    padding: 24
    title: qsTr("Settings")
    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.color: Theme.border
    }

    header: DialogTitle {
        text: root.title
    }

    contentItem: ColumnLayout {
        spacing: 16

        Text {
            text: qsTr("Theme")
            color: Theme.secondaryText
            font.pixelSize: Theme.smallFontSize
            font.bold: true
        }
        RowLayout {
            spacing: 4
            ButtonGroup {
                id: themeGroup
            }
            Repeater {
                model: [{
                        "mode": "system",
                        "label": qsTr("System")
                    }, {
                        "mode": "light",
                        "label": qsTr("Light")
                    }, {
                        "mode": "dark",
                        "label": qsTr("Dark")
                    }]
                delegate: RadioButton {
                    id: option
                    required property var modelData
                    text: option.modelData.label
                    checked: root.client.settings.themeMode === option.modelData.mode
                    ButtonGroup.group: themeGroup
                    onClicked: root.client.settings.themeMode = option.modelData.mode
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Text {
                    text: qsTr("Desktop notifications")
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                }
                Text {
                    Layout.fillWidth: true
                    text: qsTr("For new messages in rooms you are not looking at.")
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                }
            }
            ToggleSwitch {
                checked: root.client.settings.notificationsEnabled
                Accessible.name: qsTr("Desktop notifications")
                onToggled: root.client.settings.notificationsEnabled = checked
            }
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 1
            color: Theme.border
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Avatar {
                name: root.client.userName
                size: 40
            }
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Text {
                    text: root.client.userName
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.bold: true
                    textFormat: Text.PlainText
                }
                Text {
                    text: root.client.session.serverName
                    color: Theme.secondaryText
                    font.pixelSize: Theme.smallFontSize
                    textFormat: Text.PlainText
                }
            }
            Button {
                id: signOutButton
                objectName: "signOutButton"
                text: qsTr("Sign out")
                flat: true
                icon.source: Qt.resolvedUrl("icons/logout.svg")
                icon.color: Theme.danger
                font.capitalization: Font.MixedCase
                Accessible.name: signOutButton.text
                onClicked: {
                    root.close();
                    root.client.signOut();
                }
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
