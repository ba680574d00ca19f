import QtQuick
import QtQuick.Controls

// The main action of a view, filled with the accent colour. Drawn without shader effects, so
// it looks the same on every scene graph backend, the software one included.
Button {
    id: root

    implicitHeight: 40
    leftPadding: 18
    rightPadding: 18
    font.pixelSize: Theme.fontSize
    font.bold: true
    font.capitalization: Font.MixedCase
    focusPolicy: Qt.StrongFocus
    Accessible.name: root.text

    contentItem: Text {
        text: root.text
        font: root.font
        color: Theme.textOnAccent
        opacity: root.enabled ? 1 : 0.7
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: 8
        color: !root.enabled ? Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.5) : root.down || root.hovered ? Theme.accentHover : Theme.accent
        border.width: root.visualFocus ? 2 : 0
        border.color: Theme.text
    }
}
