import QtQuick
import QtQuick.Controls

// A secondary action that reads like a link: accent text, no frame.
Button {
    id: root

    flat: true
    font.pixelSize: Theme.fontSize
    font.capitalization: Font.MixedCase
    Accessible.name: root.text

    contentItem: Text {
        text: root.text
        font: root.font
        color: root.hovered ? Theme.accentHover : Theme.accent
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        radius: 6
        color: root.visualFocus ? Theme.hover : "transparent"
    }
}
