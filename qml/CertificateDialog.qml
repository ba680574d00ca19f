// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// The decision about a server certificate that no trusted authority vouches for: accept it
// once after comparing its fingerprint (it is then pinned), or a warning when a pinned
// certificate has been replaced, which is refused.
Dialog {
    id: root

    required property ChatClient client
    readonly property var certificate: root.client.certificate
    readonly property bool changed: root.certificate.changed === true
    readonly property bool approvable: root.certificate.approvable === true

    // "AB:CD:…" in two lines of sixteen pairs, as confabd prints it in one.
    function grouped(fingerprint: string): string {
        if (!fingerprint)
            return "";
        return fingerprint.substring(0, 48) + "\n" + fingerprint.substring(48);
    }

    objectName: "certificateDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(560, parent.width - 48)
    modal: true
    visible: root.certificate.host !== undefined
    closePolicy: Popup.NoAutoClose
    padding: 24
    title: root.changed ? qsTr("The server's certificate has changed") : root.approvable ? qsTr("Verify the server's certificate") : qsTr("The server's certificate is not trusted")

    background: Rectangle {
        radius: 14
        color: Theme.surface
        border.color: root.changed ? Theme.danger : Theme.border
    }

    header: RowLayout {
        spacing: 12
        Rectangle {
            Layout.leftMargin: 24
            Layout.topMargin: 24
            width: 40
            height: 40
            radius: 20
            color: root.changed || !root.approvable ? Theme.dangerBackground : Theme.selected
            Icon {
                anchors.centerIn: parent
                iconName: root.changed || !root.approvable ? "warning" : "shield"
                color: root.changed || !root.approvable ? Theme.danger : Theme.accent
                size: 22
            }
        }
        Text {
            Layout.fillWidth: true
            Layout.topMargin: 24
            Layout.rightMargin: 24
            text: root.title
            color: root.changed ? Theme.danger : Theme.text
            font.pixelSize: Theme.largeFontSize + 2
            font.bold: true
            wrapMode: Text.Wrap
        }
    }

    contentItem: ColumnLayout {
        spacing: 14

        Text {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.text
            font.pixelSize: Theme.fontSize
            textFormat: Text.PlainText
            text: root.changed ? qsTr("%1:%2 now presents a different certificate from the one you accepted. " + "Someone may be intercepting the connection, so Confab will not connect. " + "If the administrator replaced the certificate, compare the new fingerprint " + "with the one they give you before trusting it.").arg(root.certificate.host).arg(root.certificate.port) : root.approvable ? qsTr("%1:%2 presents a certificate that no authority you trust has signed. " + "Compare its fingerprint with the one the server's administrator gave you " + "(confabd prints it when it starts). Accept it only if they match.").arg(root.certificate.host).arg(root.certificate.port) : qsTr("%1:%2 presents a certificate that cannot be trusted: %3").arg(root.certificate.host).arg(root.certificate.port).arg(root.certificate.problem)
        }

        Text {
            visible: root.changed
            text: qsTr("Accepted fingerprint (SHA-256)")
            color: Theme.secondaryText
            font.pixelSize: Theme.smallFontSize
            font.bold: true
        }
        Rectangle {
            Layout.fillWidth: true
            visible: root.changed
            implicitHeight: pinnedText.implicitHeight + 20
            radius: Theme.smallRadius
            color: Theme.raised
            Text {
                id: pinnedText
                anchors.fill: parent
                anchors.margins: 10
                text: root.grouped(root.certificate.pinnedFingerprint)
                font.family: Theme.monospace
                font.pixelSize: Theme.smallFontSize + 1
                color: Theme.secondaryText
                textFormat: Text.PlainText
            }
        }

        Text {
            text: root.changed ? qsTr("New fingerprint (SHA-256)") : qsTr("Fingerprint (SHA-256)")
            color: Theme.secondaryText
            font.pixelSize: Theme.smallFontSize
            font.bold: true
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: fingerprintText.implicitHeight + 20
            radius: Theme.smallRadius
            color: root.changed ? Theme.dangerBackground : Theme.raised
            Text {
                id: fingerprintText
                objectName: "certificateFingerprint"
                anchors.fill: parent
                anchors.margins: 10
                text: root.grouped(root.certificate.fingerprint)
                font.family: Theme.monospace
                font.pixelSize: Theme.smallFontSize + 1
                color: root.changed ? Theme.danger : Theme.text
                textFormat: Text.PlainText
                Accessible.name: qsTr("Fingerprint %1").arg(root.certificate.fingerprint)
            }
        }
        Text {
            Layout.fillWidth: true
            visible: (root.certificate.subject || "").length > 0
            text: qsTr("Issued to %1, valid until %2").arg(root.certificate.subject).arg(root.certificate.expires)
            color: Theme.faintText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
    }

    footer: RowLayout {
        spacing: Theme.spacing

        Button {
            id: forgetButton
            Layout.leftMargin: 16
            Layout.bottomMargin: 16
            visible: root.changed
            flat: true
            text: qsTr("Forget the old certificate…")
            font.capitalization: Font.MixedCase
            Accessible.name: forgetButton.text
            onClicked: root.client.forgetCertificate()
        }
        Item {
            Layout.fillWidth: true
        }
        Button {
            id: rejectButton
            objectName: "rejectCertificateButton"
            Layout.bottomMargin: 16
            Layout.rightMargin: root.approvable ? 0 : 16
            flat: true
            text: root.approvable ? qsTr("Cancel") : qsTr("Close")
            font.capitalization: Font.MixedCase
            Accessible.name: rejectButton.text
            onClicked: root.client.rejectCertificate()
        }
        PrimaryButton {
            id: acceptButton
            objectName: "acceptCertificateButton"
            Layout.bottomMargin: 16
            Layout.rightMargin: 16
            visible: root.approvable
            text: qsTr("Trust this certificate")
            Accessible.name: acceptButton.text
            onClicked: root.client.acceptCertificate()
        }
    }
}
