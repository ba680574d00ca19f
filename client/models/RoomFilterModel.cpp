#include "RoomFilterModel.h"

namespace confab::client {

using namespace Qt::StringLiterals;

RoomFilterModel::RoomFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &RoomFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &RoomFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &RoomFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &RoomFilterModel::countChanged);
    sort(0);
}

void RoomFilterModel::setFilterText(const QString &text)
{
    if (m_filterText == text)
        return;
    m_filterText = text;
    invalidate();
    emit filterTextChanged();
    emit countChanged();
}

qint64 RoomFilterModel::roomIdAt(int row) const
{
    const QModelIndex at = index(row, 0);
    if (!at.isValid())
        return 0;
    const int role = roleNames().key("roomId", -1);
    return role < 0 ? 0 : at.data(role).toLongLong();
}

bool RoomFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QString text = m_filterText.trimmed();
    if (text.isEmpty())
        return true;
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto names = sourceModel()->roleNames();
    const QString name = row.data(names.key("name", Qt::DisplayRole)).toString();
    const QString topic = row.data(names.key("topic", -1)).toString();
    return name.contains(text, Qt::CaseInsensitive) || topic.contains(text, Qt::CaseInsensitive);
}

bool RoomFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QString text = m_filterText.trimmed();
    if (!text.isEmpty()) {
        const int nameRole = sourceModel()->roleNames().key("name", Qt::DisplayRole);
        const bool leftPrefix
            = left.data(nameRole).toString().startsWith(text, Qt::CaseInsensitive);
        const bool rightPrefix
            = right.data(nameRole).toString().startsWith(text, Qt::CaseInsensitive);
        if (leftPrefix != rightPrefix)
            return leftPrefix;
    }
    return left.row() < right.row();
}

} // namespace confab::client
