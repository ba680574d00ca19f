import QtQuick

// The title of a dialog, drawn on the dialog's own rounded background.
Text {
    leftPadding: 24
    rightPadding: 24
    topPadding: 22
    color: Theme.text
    font.pixelSize: Theme.largeFontSize + 2
    font.bold: true
    textFormat: Text.PlainText
    Accessible.role: Accessible.Heading
    Accessible.name: text
}
