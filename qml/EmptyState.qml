import QtQuick
import QtQuick.Layouts

// What a view shows when it has nothing to show yet: an icon, a title and a hint.
ColumnLayout {
    id: root

    property string iconName: "compass"
    property string title
    property string hint
    default property alias actions: actionRow.data

    spacing: 12

    Rectangle {
        Layout.alignment: Qt.AlignHCenter
        width: 72
        height: 72
        radius: 36
        color: Theme.raised

        Icon {
            anchors.centerIn: parent
            iconName: root.iconName
            size: 32
            color: Theme.faintText
        }
    }
    Text {
        Layout.alignment: Qt.AlignHCenter
        text: root.title
        color: Theme.text
        font.pixelSize: Theme.largeFontSize + 2
        font.bold: true
        textFormat: Text.PlainText
    }
    Text {
        Layout.alignment: Qt.AlignHCenter
        Layout.maximumWidth: 380
        visible: root.hint.length > 0
        text: root.hint
        color: Theme.secondaryText
        font.pixelSize: Theme.fontSize
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }
    RowLayout {
        id: actionRow
        Layout.alignment: Qt.AlignHCenter
        Layout.topMargin: 4
        spacing: Theme.spacing
    }
}
