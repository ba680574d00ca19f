import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// A strip above the room that says when the client is not online, and why.
Rectangle {
    id: root

    required property Session session
    readonly property bool problem: root.session.state === Session.CertificateProblem
    readonly property string message: {
        switch (root.session.state) {
        case Session.Online:
            return "";
        case Session.Connecting:
        case Session.Connected:
        case Session.SigningIn:
            return qsTr("Connecting to %1…").arg(root.session.serverName);
        case Session.WaitingToReconnect:
            return root.session.reconnectSeconds > 0 ? qsTr("Offline. Reconnecting in %n second(s)…", "", root.session.reconnectSeconds) : qsTr("Offline. Reconnecting…");
        case Session.CertificateProblem:
            return root.session.connectionError;
        default:
            return qsTr("Offline. Messages you send wait until the connection is back.");
        }
    }

    objectName: "connectionBanner"
    visible: root.message.length > 0
    implicitHeight: root.visible ? row.implicitHeight + 14 : 0
    color: root.problem ? Theme.dangerBackground : Theme.warningBackground
    Accessible.role: Accessible.StatusBar
    Accessible.name: root.message

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 20
        anchors.rightMargin: 12
        spacing: 10

        Icon {
            iconName: root.problem ? "warning" : "cloud-off"
            size: 18
            color: root.problem ? Theme.danger : Theme.warningText
        }
        Text {
            objectName: "connectionBannerText"
            Layout.fillWidth: true
            text: root.message
            color: root.problem ? Theme.danger : Theme.warningText
            font.pixelSize: Theme.fontSize
            elide: Text.ElideRight
            textFormat: Text.PlainText
        }
        Button {
            id: retryButton
            visible: root.session.state === Session.WaitingToReconnect
            flat: true
            text: qsTr("Retry now")
            font.capitalization: Font.MixedCase
            Accessible.name: retryButton.text
            onClicked: root.session.reconnectNow()
        }
    }
}
