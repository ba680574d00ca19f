pragma Singleton
import QtQuick

// Colours and sizes of every view, in a light and a dark variant; Main.qml binds `dark` to
// the client's appearance.
QtObject {
    id: theme

    property bool dark: false

    readonly property color accent: dark ? "#8B9BFF" : "#4F6BED"
    readonly property color accentHover: dark ? "#A3B0FF" : "#3F59D6"
    readonly property color textOnAccent: dark ? "#10131F" : "#FFFFFF"
    readonly property color background: dark ? "#16181D" : "#FFFFFF"
    readonly property color sidebar: dark ? "#1D2027" : "#F4F5F8"
    readonly property color surface: dark ? "#22252D" : "#FFFFFF"
    readonly property color raised: dark ? "#2A2E38" : "#F1F3F6"
    readonly property color hover: dark ? "#272B34" : "#E9EBF1"
    readonly property color selected: dark ? "#2E3650" : "#DFE5FC"
    readonly property color border: dark ? "#2E323C" : "#E3E6EC"
    readonly property color text: dark ? "#E8EAF0" : "#1B1E25"
    readonly property color secondaryText: dark ? "#A0A6B3" : "#5F6573"
    readonly property color faintText: dark ? "#6E7583" : "#8E95A3"
    readonly property color ownBubble: dark ? "#323D74" : "#E2E8FE"
    readonly property color otherBubble: dark ? "#252932" : "#F1F3F6"
    readonly property color link: dark ? "#A8B7FF" : "#2F4CD3"
    readonly property color danger: dark ? "#FF7A7A" : "#CF3030"
    readonly property color dangerBackground: dark ? "#3A2226" : "#FDECEC"
    readonly property color warningBackground: dark ? "#3A3122" : "#FFF4DF"
    readonly property color warningText: dark ? "#F2C46D" : "#8A5A00"
    readonly property color online: "#2FB26A"
    readonly property color away: "#E8A33D"
    readonly property color offline: dark ? "#5B616D" : "#B4B9C4"
    readonly property color unreadMarker: "#E5484D"
    readonly property color badge: accent
    readonly property color shadow: dark ? "#80000000" : "#26000000"

    readonly property int spacing: 8
    readonly property int radius: 10
    readonly property int smallRadius: 6
    readonly property int fontSize: 14
    readonly property int smallFontSize: 12
    readonly property int largeFontSize: 16
    readonly property int titleFontSize: 22
    readonly property string monospace: "DejaVu Sans Mono"

    readonly property var avatarPalette: ["#E5484D", "#E2761B", "#C99A06", "#30A46C", "#12A594", "#0091FF", "#3E63DD", "#6E56CF", "#AB4ABA", "#D6409F"]

    // The same name always gets the same colour, on every screen.
    function avatarColor(name: string): color {
        let hash = 0;
        for (let i = 0; i < name.length; ++i)
            hash = (hash * 31 + name.charCodeAt(i)) % 1000003;
        return avatarPalette[hash % avatarPalette.length];
    }

    function presenceColor(presence: string): color {
        if (presence === "online")
            return online;
        if (presence === "away")
            return away;
        return offline;
    }
}
