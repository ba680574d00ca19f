import QtQuick
import QtTest
import Confab.Ui

// A message as the user sees it: plain text stays plain, links made by the client are
// links, and own, pending, failed, edited and deleted messages say so.
TestCase {
    id: testCase
    name: "MessageDelegate"
    width: 800
    height: 600
    visible: true
    when: windowShown

    Component {
        id: messageComponent
        MessageDelegate {
            width: 800
            index: 1
            seq: 42
            clientId: "c-42"
            senderName: "ann"
            text: "hello"
            linkedText: ""
            time: "12:00"
            fullTime: "Friday 14 March 2025 12:00"
            day: "Today"
            showDay: false
            groupStart: true
            groupEnd: true
            own: false
            edited: false
            deleted: false
            pending: false
            failed: false
            failure: ""
            firstUnread: false
            canRetry: false
        }
    }

    function make(properties) {
        const message = createTemporaryObject(messageComponent, testCase, properties);
        verify(message !== null);
        waitForRendering(message);
        return message;
    }

    function textItem(message) {
        return findChild(message, "messageText");
    }

    function test_markupIsShownAsTyped() {
        const typed = "<b>not bold</b> <a href=\"https://evil.example\">click</a> &amp;";
        const message = make({
                "text": typed
            });
        const body = textItem(message);
        compare(body.textFormat, Text.PlainText);
        compare(body.text, typed);
        compare(body.hoveredLink, "");
    }

    function test_linksMadeByTheClientAreLinks() {
        const message = make({
                "text": "see https://qt.io",
                "linkedText": "see <a href=\"https://qt.io\">https://qt.io</a>"
            });
        const body = textItem(message);
        compare(body.textFormat, Text.StyledText);
        verify(body.text.indexOf("<a href=") >= 0);
    }

    function test_deletedMessagesSaySo() {
        const message = make({
                "text": "",
                "deleted": true,
                "linkedText": ""
            });
        const body = textItem(message);
        compare(body.text, "This message was deleted");
        verify(body.font.italic);
    }

    function test_ownMessagesShowTheirDelivery() {
        const pending = make({
                "own": true,
                "pending": true
            });
        compare(findChild(pending, "deliveryIcon").iconName, "clock");
        const delivered = make({
                "own": true
            });
        compare(findChild(delivered, "deliveryIcon").iconName, "check");
        verify(findChild(delivered, "bubble").x > 400, "own messages sit on the right");
        const other = make({
                "own": false
            });
        verify(!findChild(other, "deliveryIcon").visible);
        verify(findChild(other, "bubble").x < 100, "others' messages sit on the left");
    }

    function test_failedMessagesOfferRetry() {
        const message = make({
                "own": true,
                "failed": true,
                "canRetry": true,
                "failure": "The message is too long."
            });
        const row = findChild(message, "failedRow");
        verify(row.visible);
        verify(findChild(message, "retryButton").visible);
        retried.clear();
        retried.target = message;
        const button = findChild(message, "retryButton");
        mouseClick(button);
        compare(retried.count, 1);
        compare(findChild(message, "deliveryIcon").iconName, "warning");
    }

    // Whether a message can be sent again is the model's to say, not the delegate's.
    function test_retryFollowsTheModel() {
        const message = make({
                "own": true,
                "failed": true,
                "canRetry": false
            });
        verify(findChild(message, "failedRow").visible);
        verify(!findChild(message, "retryButton").visible);
        message.canRetry = true;
        verify(findChild(message, "retryButton").visible);
    }

    function test_editedMessagesAreMarked() {
        const message = make({
                "edited": true
            });
        const footer = findChild(message, "messageFooter");
        verify(footer.children[0].visible);
        compare(footer.children[0].text, "edited");
    }

    function test_theUnreadMarkerAndTheDay() {
        const message = make({
                "firstUnread": true,
                "showDay": true,
                "day": "Yesterday"
            });
        verify(findChild(message, "unreadMarker").visible);
        const plain = make({
                "firstUnread": false
            });
        verify(!findChild(plain, "unreadMarker").visible);
        verify(message.height > plain.height, "the day and the marker take room above the message");
    }

    function test_longTextWraps() {
        const longText = "word ".repeat(200);
        const message = make({
                "text": longText
            });
        const body = textItem(message);
        verify(body.width <= message.maxTextWidth + 1);
        verify(body.lineCount > 3);
    }

    SignalSpy {
        id: retried
        signalName: "retryRequested"
    }
}
