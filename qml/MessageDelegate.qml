import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One message of the timeline: a bubble, the user's own on the right in the accent colour,
// others' on the left under the sender's avatar and name at the start of each group. The
// day and the unread marker sit above the first message they concern.
// The text is shown as plain text. Only `linkedText`, made by the client from the plain text
// (escaped, with links it recognised), is read as markup.
Item {
    id: root

    required property int index
    required property real seq
    required property string clientId
    required property string senderName
    required property string text
    required property string linkedText
    required property string time
    required property string fullTime
    required property string day
    required property bool showDay
    required property bool groupStart
    required property bool groupEnd
    required property bool own
    required property bool edited
    required property bool deleted
    required property bool pending
    required property bool failed
    required property string failure
    required property bool canRetry
    required property bool firstUnread

    readonly property int avatarSize: 36
    readonly property int sideMargin: 20
    readonly property real maxTextWidth: Math.min(620, Math.max(160, root.width * 0.66))
    readonly property bool showsSender: !root.own && root.groupStart
    readonly property bool inlineFooter: body.lineCount <= 1 && body.implicitWidth + footer.implicitWidth + 14 <= root.maxTextWidth
    readonly property alias bubble: bubble

    signal menuRequested(Item item, real x, real y)
    signal retryRequested
    signal discardRequested

    implicitWidth: 600
    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: root.deleted ? qsTr("%1: message deleted, %2").arg(root.senderName).arg(root.time) : qsTr("%1: %2, %3").arg(root.senderName).arg(root.text).arg(root.time)

    Column {
        id: column
        width: root.width
        topPadding: root.groupStart ? 8 : 2
        bottomPadding: root.index === 0 ? 6 : 0

        DateSeparator {
            width: column.width
            visible: root.showDay
            height: visible ? implicitHeight : 0
            text: root.day
        }
        UnreadMarker {
            objectName: "unreadMarker"
            width: column.width
            visible: root.firstUnread
            height: visible ? implicitHeight : 0
        }

        Item {
            width: column.width
            height: bubble.height + (failedRow.visible ? failedRow.height + 4 : 0)

            Avatar {
                x: root.sideMargin
                visible: root.showsSender
                size: root.avatarSize
                name: root.senderName
            }

            Rectangle {
                id: bubble
                objectName: "bubble"
                readonly property real contentWidth: Math.max(senderLabel.visible ? senderLabel.implicitWidth : 0, root.inlineFooter ? body.width + 14 + footer.implicitWidth : Math.max(body.width, footer.implicitWidth))
                x: root.own ? root.width - width - root.sideMargin : root.sideMargin + root.avatarSize + 10
                width: contentWidth + 26
                height: content.height + 16
                radius: 16
                color: root.own ? Theme.ownBubble : Theme.otherBubble
                opacity: root.pending ? 0.75 : 1
                border.width: root.failed ? 1 : 0
                border.color: Theme.danger

                Item {
                    id: content
                    x: 13
                    y: 8
                    width: bubble.contentWidth
                    height: (senderLabel.visible ? senderLabel.height + 2 : 0) + body.height + (root.inlineFooter ? 0 : footer.height + 2)

                    Text {
                        id: senderLabel
                        visible: root.showsSender
                        text: root.senderName
                        color: Theme.avatarColor(root.senderName)
                        font.pixelSize: Theme.smallFontSize + 1
                        font.bold: true
                        textFormat: Text.PlainText
                    }
                    Text {
                        id: body
                        objectName: "messageText"
                        y: senderLabel.visible ? senderLabel.height + 2 : 0
                        width: Math.min(implicitWidth, root.maxTextWidth)
                        text: root.deleted ? qsTr("This message was deleted") : root.linkedText.length > 0 ? root.linkedText : root.text
                        textFormat: !root.deleted && root.linkedText.length > 0 ? Text.StyledText : Text.PlainText
                        wrapMode: Text.Wrap
                        color: root.deleted ? Theme.faintText : Theme.text
                        linkColor: Theme.link
                        font.pixelSize: Theme.fontSize
                        font.italic: root.deleted
                        lineHeight: 1.1
                        onLinkActivated: link => Qt.openUrlExternally(link)

                        HoverHandler {
                            cursorShape: body.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.IBeamCursor
                        }
                    }
                    Row {
                        id: footer
                        objectName: "messageFooter"
                        x: content.width - width
                        y: root.inlineFooter ? body.y + body.height - height : body.y + body.height + 2
                        spacing: 4

                        Text {
                            visible: root.edited
                            text: qsTr("edited")
                            color: Theme.faintText
                            font.pixelSize: Theme.smallFontSize - 1
                            font.italic: true
                        }
                        Text {
                            text: root.time
                            color: Theme.faintText
                            font.pixelSize: Theme.smallFontSize - 1
                            textFormat: Text.PlainText
                        }
                        Icon {
                            objectName: "deliveryIcon"
                            visible: root.own
                            anchors.verticalCenter: parent.verticalCenter
                            iconName: root.failed ? "warning" : root.pending ? "clock" : "check"
                            size: 13
                            color: root.failed ? Theme.danger : root.pending ? Theme.faintText : Theme.accent
                        }
                    }
                }

                HoverHandler {
                    id: hover
                }
                ToolTip.visible: hover.hovered && !root.pending
                ToolTip.text: root.fullTime
                ToolTip.delay: 900

                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: (eventPoint, button) => root.menuRequested(bubble, eventPoint.position.x, eventPoint.position.y)
                }
                TapHandler {
                    id: longPress
                    acceptedButtons: Qt.LeftButton
                    onLongPressed: root.menuRequested(bubble, longPress.point.position.x, longPress.point.position.y)
                }
            }

            Row {
                id: failedRow
                objectName: "failedRow"
                visible: root.failed
                anchors.right: bubble.right
                anchors.top: bubble.bottom
                anchors.topMargin: 4
                spacing: 6

                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    text: root.failure.length > 0 ? qsTr("Not sent: %1").arg(root.failure) : qsTr("Not sent")
                    color: Theme.danger
                    font.pixelSize: Theme.smallFontSize
                    textFormat: Text.PlainText
                }
                Button {
                    id: retryButton
                    objectName: "retryButton"
                    visible: root.canRetry
                    flat: true
                    padding: 4
                    implicitHeight: 28
                    text: qsTr("Retry")
                    font.pixelSize: Theme.smallFontSize
                    font.capitalization: Font.MixedCase
                    Accessible.name: qsTr("Retry sending")
                    onClicked: root.retryRequested()
                }
                Button {
                    flat: true
                    padding: 4
                    implicitHeight: 28
                    text: qsTr("Discard")
                    font.pixelSize: Theme.smallFontSize
                    font.capitalization: Font.MixedCase
                    Accessible.name: qsTr("Discard message")
                    onClicked: root.discardRequested()
                }
            }
        }
    }
}
