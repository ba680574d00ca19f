import QtQuick
import QtQuick.Controls

// A flat button that shows only an icon; its tool tip doubles as its accessible name.
ToolButton {
    id: root

    property string iconName
    property string toolTip
    property color iconColor: Theme.secondaryText

    icon.source: root.iconName ? Qt.resolvedUrl("icons/" + root.iconName + ".svg") : ""
    icon.color: root.enabled ? root.iconColor : Theme.faintText
    icon.width: 20
    icon.height: 20
    display: AbstractButton.IconOnly
    focusPolicy: Qt.TabFocus
    ToolTip.visible: root.hovered && root.toolTip.length > 0
    ToolTip.text: root.toolTip
    ToolTip.delay: 600
    Accessible.name: root.toolTip
    Accessible.role: Accessible.Button
}
