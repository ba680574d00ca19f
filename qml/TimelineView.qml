pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab

// A room's messages, newest at the bottom. The list is laid out bottom to top over a model
// whose row 0 is the newest message: older pages are added at the far end and the view keeps
// its place while they load. A button brings the user back to the newest message.
Item {
    id: root

    required property ChatClient client
    required property RoomController room
    readonly property TimelineModel timeline: root.room.timeline
    readonly property bool atNewest: view.atYEnd || view.count === 0

    // The message whose menu is open, as it was when the menu opened.
    property messageActions menuMessage

    // Older messages are fetched while the user is still a screen away from the oldest one
    // loaded, so that scrolling up rarely has to wait. The timeline's loader hands pages over
    // from the event loop, so asking in the middle of the view's layout is safe.
    function fetchIfNeeded() {
        if (view.count === 0)
            return;
        const fromTop = view.contentY - view.originY;
        if (fromTop < view.height && root.timeline.hasOlder && !root.timeline.loadingOlder)
            root.timeline.fetchOlder();
        if (view.atYEnd && root.timeline.hasNewer && !root.timeline.loadingNewer)
            root.timeline.fetchNewer();
    }

    objectName: "timeline"
    clip: true

    Binding {
        target: root.room
        property: "atNewest"
        value: root.atNewest
    }

    ListView {
        id: view
        objectName: "timelineView"
        anchors.fill: parent
        verticalLayoutDirection: ListView.BottomToTop
        model: root.timeline
        clip: true
        reuseItems: true
        cacheBuffer: 1600
        boundsBehavior: Flickable.StopAtBounds
        // Room above the oldest message for what sits there (see start, below).
        topMargin: start.height + 8
        activeFocusOnTab: true
        keyNavigationEnabled: true
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Messages in %1").arg(root.room.name)

        delegate: MessageDelegate {
            id: message
            width: view.width
            onMenuRequested: (item, x, y) => {
                root.menuMessage = root.timeline.actionsAt(message.index);
                messageMenu.popup(item, x, y);
            }
            onRetryRequested: root.room.retry(message.clientId)
            onDiscardRequested: root.room.discard(message.clientId)
        }

        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AsNeeded
        }

        // Coming back down after the newest messages were let go fetches them again. A page
        // that came moves the origin (older rows) or the content's height (newer ones) once the
        // view has laid it out: the view looks again then, with its new geometry.
        onContentYChanged: root.fetchIfNeeded()
        onOriginYChanged: root.fetchIfNeeded()
        onContentHeightChanged: root.fetchIfNeeded()
        onHeightChanged: root.fetchIfNeeded()
    }

    // Above the oldest message loaded, moving with the messages: a spinner while older ones
    // load, or the start of the room. (Not the ListView's footer: that would be a component
    // the view makes, and this file's components are bound to it.)
    Item {
        id: start
        width: view.width
        height: root.timeline.hasOlder ? 56 : (view.count > 0 ? 72 : 0)
        y: view.originY - view.contentY - view.topMargin
        visible: y + height > 0

        BusyIndicator {
            anchors.centerIn: parent
            running: root.timeline.loadingOlder
            visible: root.timeline.hasOlder
            implicitWidth: 32
            implicitHeight: 32
        }
        Column {
            anchors.centerIn: parent
            visible: !root.timeline.hasOlder && view.count > 0
            spacing: 4
            Text {
                objectName: "roomStart"
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("This is the beginning of %1.").arg(root.room.name)
                color: Theme.secondaryText
                font.pixelSize: Theme.fontSize
                font.bold: true
                textFormat: Text.PlainText
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: root.room.topic
                visible: text.length > 0
                color: Theme.faintText
                font.pixelSize: Theme.smallFontSize
                textFormat: Text.PlainText
            }
        }
    }

    EmptyState {
        anchors.centerIn: parent
        visible: view.count === 0 && !root.timeline.loadingOlder && !root.timeline.hasOlder
        iconName: root.room.isPrivate ? "lock" : "hash"
        title: qsTr("No messages yet")
        hint: qsTr("Be the first to say something in %1.").arg(root.room.name)
    }
    BusyIndicator {
        anchors.centerIn: parent
        visible: view.count === 0 && root.timeline.loadingOlder
        running: visible
    }

    FloatingButton {
        id: jumpButton
        objectName: "jumpToNewestButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 20
        visible: !root.atNewest || root.timeline.hasNewer
        iconName: "arrow-down"
        toolTip: qsTr("Jump to the newest message")
        onClicked: {
            root.timeline.jumpToNewest();
            view.positionViewAtBeginning();
        }

        UnreadBadge {
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.rightMargin: -6
            anchors.topMargin: -6
            count: root.timeline.unseenNewer
        }
    }

    Menu {
        id: messageMenu

        background: Rectangle {
            implicitWidth: 200
            radius: Theme.smallRadius
            color: Theme.surface
            border.color: Theme.border
        }

        MenuItem {
            text: qsTr("Copy text")
            icon.source: Qt.resolvedUrl("icons/copy.svg")
            enabled: root.menuMessage.canCopy
            onTriggered: root.client.copyToClipboard(root.menuMessage.text)
        }
        MenuItem {
            text: qsTr("Edit")
            icon.source: Qt.resolvedUrl("icons/edit.svg")
            visible: root.menuMessage.canEdit
            height: visible ? implicitHeight : 0
            onTriggered: root.room.startEditing(root.menuMessage.seq, root.menuMessage.text)
        }
        MenuItem {
            text: qsTr("Delete")
            icon.source: Qt.resolvedUrl("icons/delete.svg")
            visible: root.menuMessage.canDelete
            height: visible ? implicitHeight : 0
            onTriggered: root.room.deleteMessage(root.menuMessage.seq)
        }
    }

    Connections {
        target: root.timeline
        // Keep the newest message in sight while the user is at the bottom.
        function onCountChanged() {
            if (root.atNewest && !root.timeline.hasNewer)
                view.positionViewAtBeginning();
        }
    }

    // The user's own new message is always shown.
    Connections {
        target: root.room
        function onMessageQueued() {
            view.positionViewAtBeginning();
        }
    }
}
