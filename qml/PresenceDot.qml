import QtQuick

// The small coloured dot of a user's presence: online, away or offline.
Rectangle {
    id: root

    property string presence: "offline"
    property color ring: Theme.background

    width: 12
    height: 12
    radius: 6
    color: Theme.presenceColor(root.presence)
    border.width: 2
    border.color: root.ring
    Accessible.ignored: true
}
