// The content has named parts, so it is built with the control rather than deferred: cheap
// for a control made once.
// qmllint disable deferred-property-id
import QtQuick
import QtQuick.Controls

// A short message at the bottom of the window that goes away by itself.
Popup {
    id: root

    function show(message: string) {
        label.text = message;
        open();
        hideTimer.restart();
    }

    objectName: "noticeBar"
    x: (parent.width - width) / 2
    y: parent.height - height - 24
    width: Math.min(label.implicitWidth + 40, parent.width - 48)
    padding: 12
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    background: Rectangle {
        radius: Theme.radius
        color: Theme.dark ? "#EDEFF5" : "#23262E"
    }
    contentItem: Text {
        id: label
        color: Theme.dark ? "#16181D" : "#FFFFFF"
        font.pixelSize: Theme.fontSize
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        textFormat: Text.PlainText
        Accessible.role: Accessible.AlertMessage
        Accessible.name: label.text
    }

    Timer {
        id: hideTimer
        interval: 5000
        onTriggered: root.close()
    }
}
