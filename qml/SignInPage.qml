import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The first page: the server's address, a user name and a password, to sign in or to create
// an account.
Rectangle {
    id: root

    required property ChatClient client
    property bool creating: false

    function submit() {
        if (root.client.busy)
            return;
        if (root.creating)
            root.client.createAccount(serverField.text, userField.text, passwordField.text);
        else
            root.client.signIn(serverField.text, userField.text, passwordField.text);
    }

    objectName: "signInPage"
    color: Theme.sidebar

    Rectangle {
        id: card
        anchors.centerIn: parent
        width: Math.min(420, root.width - 48)
        height: form.implicitHeight + 64
        radius: 16
        color: Theme.surface
        border.color: Theme.border

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: 32
            spacing: 16

            RowLayout {
                spacing: 12
                Rectangle {
                    width: 44
                    height: 44
                    radius: 12
                    color: Theme.accent
                    Icon {
                        anchors.centerIn: parent
                        iconName: "send"
                        size: 24
                        color: Theme.textOnAccent
                    }
                }
                ColumnLayout {
                    spacing: 2
                    Text {
                        text: qsTr("Confab")
                        color: Theme.text
                        font.pixelSize: Theme.titleFontSize
                        font.bold: true
                    }
                    Text {
                        text: root.creating ? qsTr("Create your account") : qsTr("Sign in to your server")
                        color: Theme.secondaryText
                        font.pixelSize: Theme.fontSize
                    }
                }
            }

            FormField {
                id: serverField
                objectName: "serverField"
                Layout.fillWidth: true
                label: qsTr("Server")
                placeholderText: qsTr("chat.example.org:8443")
                text: root.client.lastServer
                field.inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                onAccepted: userField.field.forceActiveFocus()
            }
            FormField {
                id: userField
                objectName: "userField"
                Layout.fillWidth: true
                label: qsTr("User name")
                text: root.client.lastUserName
                field.inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                onAccepted: passwordField.field.forceActiveFocus()
            }
            FormField {
                id: passwordField
                objectName: "passwordField"
                Layout.fillWidth: true
                label: qsTr("Password")
                echoMode: TextInput.Password
                onAccepted: root.submit()
            }

            Text {
                Layout.fillWidth: true
                visible: root.creating
                text: qsTr("User names have 3 to 32 letters, digits, '.', '_' or '-'. Passwords have at least 8 characters.")
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                wrapMode: Text.Wrap
            }

            Rectangle {
                objectName: "signInError"
                Layout.fillWidth: true
                visible: root.client.signInError.length > 0
                implicitHeight: errorText.implicitHeight + 20
                radius: Theme.smallRadius
                color: Theme.dangerBackground
                Text {
                    id: errorText
                    anchors.fill: parent
                    anchors.margins: 10
                    text: root.client.signInError
                    color: Theme.danger
                    font.pixelSize: Theme.fontSize
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: errorText.text
                }
            }

            PrimaryButton {
                id: submitButton
                objectName: "signInButton"
                Layout.fillWidth: true
                Layout.topMargin: 4
                implicitHeight: 46
                enabled: !root.client.busy
                text: root.client.busy ? qsTr("Connecting…") : root.creating ? qsTr("Create account") : qsTr("Sign in")
                font.pixelSize: Theme.fontSize
                Accessible.name: submitButton.text
                onClicked: root.submit()
            }

            RowLayout {
                Layout.alignment: Qt.AlignHCenter
                spacing: 4
                Text {
                    text: root.creating ? qsTr("Already have an account?") : qsTr("New here?")
                    color: Theme.secondaryText
                    font.pixelSize: Theme.fontSize
                }
                LinkButton {
                    objectName: "switchModeButton"
                    text: root.creating ? qsTr("Sign in") : qsTr("Create an account")
                    onClicked: root.creating = !root.creating
                }
            }
        }
    }

    BusyIndicator {
        anchors.top: card.bottom
        anchors.topMargin: 16
        anchors.horizontalCenter: card.horizontalCenter
        running: root.client.busy
        visible: running
    }

    Component.onCompleted: {
        if (serverField.text.length === 0)
            serverField.field.forceActiveFocus();
        else if (userField.text.length === 0)
            userField.field.forceActiveFocus();
        else
            passwordField.field.forceActiveFocus();
    }
}
