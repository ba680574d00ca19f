import QtQuick

// A count of unread messages in an accent pill.
Rectangle {
    id: root

    property int count: 0

    implicitWidth: Math.max(22, label.implicitWidth + 12)
    implicitHeight: 20
    radius: 10
    color: Theme.badge
    visible: root.count > 0
    Accessible.ignored: true

    Text {
        id: label
        anchors.centerIn: parent
        text: root.count > 999 ? "999+" : root.count
        color: Theme.textOnAccent
        font.pixelSize: Theme.smallFontSize - 1
        font.bold: true
    }
}
