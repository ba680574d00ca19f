import QtQuick
import QtTest
import Confab.Ui

// The small pieces: avatars, the room list's entries, the day and unread separators, and
// the theme's light and dark colours.
TestCase {
    id: testCase
    name: "Components"
    width: 400
    height: 300
    visible: true
    when: windowShown

    Component {
        id: avatarComponent
        Avatar {
        }
    }
    Component {
        id: roomComponent
        RoomDelegate {
            width: 300
            index: 0
            roomId: 5
            name: "general"
            isPrivate: false
            unread: 0
            preview: "hello"
            previewSender: "ann"
            lastActivityText: "12:00"
        }
    }
    Component {
        id: separatorComponent
        DateSeparator {
            width: 400
        }
    }

    function test_avatarsShowTheInitialInAStableColour() {
        const ann = createTemporaryObject(avatarComponent, testCase, {
                "name": "ann"
            });
        const again = createTemporaryObject(avatarComponent, testCase, {
                "name": "ann"
            });
        const ben = createTemporaryObject(avatarComponent, testCase, {
                "name": "ben"
            });
        compare(ann.children[0].text, "A");
        compare(ann.color, again.color);
        verify(Qt.colorEqual(ann.color, Theme.avatarColor("ann")));
        verify(!Qt.colorEqual(ann.color, ben.color) || Theme.avatarPalette.length < 2);
        const nameless = createTemporaryObject(avatarComponent, testCase, {
                "name": ""
            });
        compare(nameless.children[0].text, "?");
    }

    function test_roomsShowTheirUnreadCount() {
        const quiet = createTemporaryObject(roomComponent, testCase);
        verify(!findChild(quiet, "unreadBadge").visible);
        compare(findChild(quiet, "roomPreview").text, "ann: hello");
        const busy = createTemporaryObject(roomComponent, testCase, {
                "unread": 7
            });
        verify(findChild(busy, "unreadBadge").visible);
        compare(findChild(busy, "unreadBadge").count, 7);
        compare(busy.Accessible.name, "general, 7 unread messages");
        const markup = createTemporaryObject(roomComponent, testCase, {
                "preview": "<i>x</i>"
            });
        compare(findChild(markup, "roomPreview").textFormat, Text.PlainText);
    }

    function test_theDaySeparatorShowsTheDay() {
        const separator = createTemporaryObject(separatorComponent, testCase, {
                "text": "Yesterday"
            });
        compare(separator.Accessible.name, "Yesterday");
    }

    function test_theThemeHasADarkVariant() {
        const lightBackground = Theme.background.toString();
        Theme.dark = true;
        verify(!Qt.colorEqual(Theme.background, lightBackground));
        verify(Theme.background.hslLightness < 0.3);
        verify(Theme.text.hslLightness > 0.7);
        Theme.dark = false;
        verify(Theme.background.hslLightness > 0.9);
        compare(Theme.presenceColor("online"), Theme.online);
        compare(Theme.presenceColor("away"), Theme.away);
        compare(Theme.presenceColor("offline"), Theme.offline);
    }
}
