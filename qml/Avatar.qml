import QtQuick

// A round badge with the first letter of a name, in that name's colour.
Rectangle {
    id: root

    property string name
    property int size: 36

    width: root.size
    height: root.size
    radius: root.size / 2
    color: Theme.avatarColor(root.name)
    Accessible.ignored: true

    Text {
        anchors.centerIn: parent
        text: root.name.length > 0 ? root.name.charAt(0).toUpperCase() : "?"
        color: "#FFFFFF"
        font.pixelSize: Math.round(root.size * 0.44)
        font.bold: true
        textFormat: Text.PlainText
    }
}
