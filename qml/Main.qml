import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import Confab

// The window: the sign-in page or the chat, the certificate question above either, and
// short notices at the bottom.
ApplicationWindow {
    id: window

    required property ChatClient client

    width: 1180
    height: 760
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: window.client.rooms.unreadTotal > 0 ? qsTr("(%1) Confab").arg(window.client.rooms.unreadTotal) : qsTr("Confab")
    color: Theme.background

    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    Material.background: Theme.surface
    Material.foreground: Theme.text

    Binding {
        target: Theme
        property: "dark"
        value: window.client.appearance.dark
    }

    // The sign-in page or the chat, made anew whenever the user signs in or out.
    Loader {
        id: page

        function show() {
            page.setSource(window.client.signedIn ? "ChatPage.qml" : "SignInPage.qml", {
                    "client": window.client
                });
        }

        anchors.fill: parent
        Component.onCompleted: page.show()
    }

    CertificateDialog {
        client: window.client
    }

    NoticeBar {
        id: notices
    }

    Connections {
        target: window.client
        function onNotice(message: string) {
            notices.show(message);
        }
        function onSignedInChanged() {
            page.show();
        }
        function onRaiseRequested() {
            window.show();
            window.raise();
            window.requestActivate();
        }
    }
}
