import QtQuick
import QtQuick.Controls.impl

// One of the icons in icons/, tinted to any colour.
IconImage {
    id: root

    property string iconName
    property int size: 20

    source: root.iconName ? Qt.resolvedUrl("icons/" + root.iconName + ".svg") : ""
    sourceSize.width: root.size
    sourceSize.height: root.size
    width: root.size
    height: root.size
    color: Theme.secondaryText
    Accessible.ignored: true
}
