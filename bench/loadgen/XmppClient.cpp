#include "XmppClient.h"

#include <QRegularExpression>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

// Frames are single, complete elements (RFC 7395 section 3.3.3); the few attributes and
// children needed are found by plain search, which is what keeps thousands of connections
// cheap on the generator's side. Attribute values may be quoted either way.
QStringView attribute(QStringView element, QLatin1StringView name)
{
    const qsizetype tagEnd = element.indexOf(u'>');
    QStringView head = tagEnd < 0 ? element : element.left(tagEnd);
    for (qsizetype from = 0;;) {
        const qsizetype at = head.indexOf(name, from);
        if (at < 0)
            return {};
        const qsizetype quote = at + name.size() + 1;
        if (at > 0 && head.at(at - 1) == u' ' && quote < head.size() && head.at(quote - 1) == u'='
            && (head.at(quote) == u'\'' || head.at(quote) == u'"')) {
            const qsizetype end = head.indexOf(head.at(quote), quote + 1);
            return end < 0 ? QStringView() : head.mid(quote + 1, end - quote - 1);
        }
        from = at + 1;
    }
}

QStringView childText(QStringView element, QLatin1StringView open, QLatin1StringView close)
{
    const qsizetype start = element.indexOf(open);
    if (start < 0)
        return {};
    const qsizetype end = element.indexOf(close, start + open.size());
    return end < 0 ? QStringView() : element.mid(start + open.size(), end - start - open.size());
}

QString stanzaError(QStringView element)
{
    static const QRegularExpression condition(
        u"<([a-z-]+) xmlns=['\"]urn:ietf:params:xml:ns:xmpp-stanzas['\"]"_s);
    const auto match = condition.match(element.toString());
    return u"xmpp:"_s + (match.hasMatch() ? match.captured(1) : u"error"_s);
}

bool isType(QStringView element, QLatin1StringView type)
{
    return attribute(element, "type"_L1) == type;
}

} // namespace

XmppClient::XmppClient(const Endpoint &endpoint, const XmppDirectory *directory, int index,
                       QObject *parent)
    : ChatClient(endpoint, index, parent)
    , m_directory(directory)
{ }

QString XmppClient::nick() const
{
    return m_directory->userPrefix + QString::number(index());
}

void XmppClient::onReset()
{
    m_authenticated = false;
    m_bound = false;
    m_joining.clear();
    m_pending.clear();
}

void XmppClient::onConnected()
{
    sendOpen();
}

void XmppClient::sendOpen()
{
    sendText(u"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='%1' version='1.0'/>"_s.arg(
        m_directory->domain));
}

void XmppClient::onText(const QByteArray &utf8)
{
    const QString text = QString::fromUtf8(utf8);
    const QStringView frame(text);
    if (frame.startsWith("<message"_L1))
        return onMessage(text);
    if (frame.startsWith("<presence"_L1))
        return onPresence(text);
    if (frame.startsWith("<stream:features"_L1) || frame.startsWith("<features"_L1))
        return onFeatures(text);
    if (frame.startsWith("<success"_L1)) {
        m_authenticated = true;
        return sendOpen(); // a new stream after SASL (RFC 6120 section 6.4.6)
    }
    if (frame.startsWith("<failure"_L1))
        return fail(u"xmpp:sasl-failure"_s);
    if (frame.startsWith("<stream:error"_L1) || frame.startsWith("<error"_L1))
        return fail(stanzaError(frame).replace("xmpp:"_L1, "xmpp-stream:"_L1));
    if (frame.startsWith("<iq"_L1) && attribute(frame, "id"_L1) == "bind"_L1) {
        if (!isType(frame, "result"_L1))
            return fail(u"xmpp:bind-failed"_s);
        m_bound = true;
        sendText(u"<presence/>"_s);
        const auto &rooms = m_directory->roomsOfUser.value(index());
        if (rooms.isEmpty())
            return becomeReady();
        for (int room : rooms) {
            m_joining.insert(room);
            sendText(u"<presence to='%1%2@%3/%4'><x xmlns='http://jabber.org/protocol/muc'>"
                     "<history maxstanzas='0'/></x></presence>"_s.arg(m_directory->roomPrefix)
                         .arg(room)
                         .arg(m_directory->mucDomain, nick()));
        }
    }
}

void XmppClient::onFeatures(const QString &frame)
{
    if (!m_authenticated) {
        if (!frame.contains("PLAIN"_L1))
            return fail(u"xmpp:no-plain-mechanism"_s);
        const QByteArray credentials
            = '\0' + nick().toUtf8() + '\0' + m_directory->password.toUtf8();
        sendText(
            u"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%1</auth>"_s.arg(
                QString::fromLatin1(credentials.toBase64())));
        return;
    }
    if (!m_bound && frame.contains("<bind"_L1))
        sendText(u"<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                 "<resource>bench</resource></bind></iq>"_s);
}

int XmppClient::roomOf(QStringView jid) const
{
    const QStringView local = jid.left(jid.indexOf(u'@'));
    if (!local.startsWith(m_directory->roomPrefix))
        return -1;
    bool ok = false;
    const int room = local.mid(m_directory->roomPrefix.size()).toInt(&ok);
    return ok ? room : -1;
}

void XmppClient::onPresence(const QString &frame)
{
    if (m_joining.isEmpty())
        return;
    const QStringView from = attribute(frame, "from"_L1);
    const int room = roomOf(from);
    if (room < 0 || !m_joining.contains(room))
        return;
    if (isType(frame, "error"_L1))
        return fail(stanzaError(frame));
    // Status 110 marks the presence that is the joining occupant's own: the join is complete.
    const bool own = frame.contains("code='110'"_L1) || frame.contains("code=\"110\""_L1);
    if (!own || from.mid(from.indexOf(u'/') + 1) != nick())
        return;
    m_joining.remove(room);
    if (m_joining.isEmpty())
        becomeReady();
}

void XmppClient::onMessage(const QString &frame)
{
    if (isType(frame, "error"_L1)) {
        if (observer())
            observer()->refused(this, stanzaError(frame));
        m_pending.remove(attribute(frame, "id"_L1).toString());
        return;
    }
    if (!isType(frame, "groupchat"_L1) || !observer())
        return;
    const QStringView body = childText(frame, "<body>"_L1, "</body>"_L1);
    const QStringView from = attribute(frame, "from"_L1);
    const int room = roomOf(from);
    if (body.isNull() || room < 0)
        return;
    if (from.mid(from.indexOf(u'/') + 1) == nick()) {
        const auto it = m_pending.constFind(attribute(frame, "id"_L1).toString());
        if (it != m_pending.cend()) {
            observer()->accepted(this, it->room, 0, it->sentNs);
            m_pending.erase(it);
        }
    }
    observer()->delivered(this, room, 0, body);
}

void XmppClient::sendMessage(int room, const QString &text, qint64 sentNs)
{
    const QString id = u"m%1"_s.arg(m_nextMessage++);
    m_pending.insert(id, { room, sentNs });
    // The texts the generator sends hold only letters, digits and spaces: nothing to escape.
    sendText(u"<message to='%1%2@%3' type='groupchat' id='%4'><body>%5</body></message>"_s
                 .arg(m_directory->roomPrefix)
                 .arg(room)
                 .arg(m_directory->mucDomain, id, text));
}

} // namespace confab::bench
