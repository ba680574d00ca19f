import QtQuick
import QtTest
import Confab.Ui

// Enter sends, Shift+Enter makes a new line, Up in an empty composer asks to edit the last
// message, Esc ends editing, and a text that cannot be sent is not sent.
TestCase {
    id: testCase
    name: "Composer"
    width: 700
    height: 300
    visible: true
    when: windowShown

    Component {
        id: composerComponent
        Composer {
            width: 700
            placeholder: "Message general"
        }
    }

    SignalSpy {
        id: sent
        signalName: "sendRequested"
    }
    SignalSpy {
        id: editLast
        signalName: "editLastRequested"
    }
    SignalSpy {
        id: cancelEdit
        signalName: "cancelEditRequested"
    }

    function make(properties) {
        const composer = createTemporaryObject(composerComponent, testCase, properties || {});
        sent.clear();
        editLast.clear();
        cancelEdit.clear();
        sent.target = composer;
        editLast.target = composer;
        cancelEdit.target = composer;
        composer.focusInput();
        tryVerify(() => findChild(composer, "composerInput").activeFocus);
        return composer;
    }

    function test_enterSends() {
        const composer = make();
        keyClick(Qt.Key_H);
        keyClick(Qt.Key_I);
        keyClick(Qt.Key_Return);
        compare(sent.count, 1);
        compare(sent.signalArguments[0][0], "hi");
    }

    function test_shiftEnterMakesANewLine() {
        const composer = make();
        keyClick(Qt.Key_A);
        keyClick(Qt.Key_Return, Qt.ShiftModifier);
        keyClick(Qt.Key_B);
        compare(sent.count, 0);
        compare(composer.text, "a\nb");
        keyClick(Qt.Key_Enter);
        compare(sent.count, 1);
        compare(sent.signalArguments[0][0], "a\nb");
    }

    function test_emptyTextIsNotSent() {
        make();
        keyClick(Qt.Key_Space);
        keyClick(Qt.Key_Return);
        compare(sent.count, 0);
    }

    function test_upEditsTheLastMessage() {
        const composer = make();
        keyClick(Qt.Key_Up);
        compare(editLast.count, 1);
        composer.setText("some text");
        keyClick(Qt.Key_Up);
        compare(editLast.count, 1, "Up moves the cursor when there is text");
    }

    function test_escapeEndsEditing() {
        const composer = make({
                "editing": true
            });
        composer.setText("the old text");
        keyClick(Qt.Key_Escape);
        compare(cancelEdit.count, 1);
    }

    function test_aTextWithAProblemIsNotSent() {
        const composer = make({
                "problem": "This message is too long to send."
            });
        keyClick(Qt.Key_X);
        keyClick(Qt.Key_Return);
        compare(sent.count, 0);
        verify(findChild(composer, "composerProblem").visible);
        verify(!findChild(composer, "sendButton").enabled);
    }
}
