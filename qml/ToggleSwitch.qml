import QtQuick
import QtQuick.Controls

// An on/off switch drawn without shader effects.
Switch {
    id: root

    indicator: Rectangle {
        x: root.leftPadding
        y: (root.height - height) / 2
        implicitWidth: 40
        implicitHeight: 22
        radius: 11
        color: root.checked ? Theme.accent : Theme.border
        border.width: root.visualFocus ? 2 : 0
        border.color: Theme.text

        Rectangle {
            x: root.checked ? parent.width - width - 3 : 3
            anchors.verticalCenter: parent.verticalCenter
            width: 16
            height: 16
            radius: 8
            color: "#FFFFFF"
            Behavior on x  {
                NumberAnimation {
                    duration: 120
                }
            }
        }
    }
}
