import QtQuick
import QtQuick.Controls

// A round button floating over content, with an icon.
RoundButton {
    id: root

    property string iconName
    property string toolTip

    implicitWidth: 44
    implicitHeight: 44
    icon.source: root.iconName ? Qt.resolvedUrl("icons/" + root.iconName + ".svg") : ""
    icon.color: Theme.text
    icon.width: 20
    icon.height: 20
    display: AbstractButton.IconOnly
    Accessible.name: root.toolTip
    ToolTip.visible: root.hovered && root.toolTip.length > 0
    ToolTip.text: root.toolTip
    background: Rectangle {
        radius: width / 2
        color: root.hovered ? Theme.hover : Theme.surface
        border.color: Theme.border
        border.width: 1
    }
}
