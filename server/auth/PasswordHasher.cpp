#include "auth/PasswordHasher.h"

#include <QByteArray>
#include <QList>

#include <algorithm>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <optional>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kScheme = "scrypt"_L1;
constexpr qsizetype kSaltBytes = 16;
constexpr qsizetype kKeyBytes = 32;
// r=8, p=1 with N=2^17 is OWASP's recommendation for scrypt.
constexpr quint32 kBlockSize = 8;
constexpr quint32 kParallelism = 1;

// Limits for hashes read back: a damaged or forged row must not make the server allocate
// without bound or spin for minutes. OpenSSL refuses parameters that need more memory than
// kMaxMemoryBytes, which leaves room for N=2^20 at r=8 (1 GiB).
constexpr int kMinReadableLog2N = 10;
constexpr quint32 kMaxReadableBlockSize = 16;
constexpr quint32 kMaxReadableParallelism = 4;
constexpr qsizetype kMinReadableSaltBytes = 8;
constexpr qsizetype kMaxReadableSaltBytes = 64;
constexpr qsizetype kMinReadableKeyBytes = 16;
constexpr qsizetype kMaxReadableKeyBytes = 64;
constexpr quint64 kMaxMemoryBytes = quint64(2) << 30;

struct Parameters
{
    int log2N = 0;
    quint32 blockSize = 0;
    quint32 parallelism = 0;
};

struct DecodedHash
{
    Parameters parameters;
    QByteArray salt;
    QByteArray key;
};

// Wipes a secret when it goes out of scope, so that it does not linger in freed memory.
class WipedBytes
{
public:
    explicit WipedBytes(QByteArray bytes)
        : m_bytes(std::move(bytes))
    { }
    explicit WipedBytes(qsizetype size)
        : m_bytes(size, '\0')
    { }
    ~WipedBytes()
    {
        if (!m_bytes.isEmpty())
            OPENSSL_cleanse(m_bytes.data(), size_t(m_bytes.size()));
    }
    WipedBytes(const WipedBytes &) = delete;
    WipedBytes &operator=(const WipedBytes &) = delete;

    QByteArray &bytes() { return m_bytes; }

private:
    QByteArray m_bytes;
};

struct KdfContextDeleter
{
    void operator()(EVP_KDF_CTX *context) const { EVP_KDF_CTX_free(context); }
};

bool derive(const QByteArray &password, const QByteArray &salt, const Parameters &parameters,
            QByteArray &key)
{
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    if (!kdf)
        return false;
    std::unique_ptr<EVP_KDF_CTX, KdfContextDeleter> context(EVP_KDF_CTX_new(kdf));
    EVP_KDF_free(kdf);
    if (!context)
        return false;

    uint64_t n = uint64_t(1) << parameters.log2N;
    uint32_t blockSize = parameters.blockSize;
    uint32_t parallelism = parameters.parallelism;
    uint64_t maxMemory = kMaxMemoryBytes;
    // OpenSSL only reads these buffers; its parameter API is not const-correct.
    const OSSL_PARAM list[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          const_cast<char *>(password.constData()),
                                          size_t(password.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char *>(salt.constData()),
                                          size_t(salt.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &blockSize),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &parallelism),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };
    return EVP_KDF_derive(context.get(), reinterpret_cast<unsigned char *>(key.data()),
                          size_t(key.size()), list)
        == 1;
}

QString encode64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::OmitTrailingEquals));
}

// Only the spelling encode64() produces is accepted, so that a hash has a single encoding.
std::optional<QByteArray> decode64(QStringView text)
{
    const QByteArray latin1 = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
        latin1, QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(QByteArray::OmitTrailingEquals) != latin1)
        return std::nullopt;
    return std::move(decoded.decoded);
}

// "name=digits" without sign or leading zeros.
std::optional<quint32> numberField(QStringView field, QLatin1StringView name)
{
    if (!field.startsWith(name))
        return std::nullopt;
    const QStringView digits = field.mid(name.size());
    const bool wellFormed = !digits.isEmpty() && digits.size() <= 4
        && (digits.size() == 1 || digits[0] != u'0')
        && std::all_of(digits.begin(), digits.end(),
                       [](QChar c) { return c >= u'0' && c <= u'9'; });
    if (!wellFormed)
        return std::nullopt;
    return digits.toUInt();
}

std::optional<DecodedHash> decode(const QString &encoded)
{
    const QList<QStringView> parts = QStringView(encoded).split(u'$');
    if (parts.size() != 4 || parts[0] != kScheme)
        return std::nullopt;
    const QList<QStringView> fields = parts[1].split(u',');
    if (fields.size() != 3)
        return std::nullopt;
    const auto log2N = numberField(fields[0], "ln="_L1);
    const auto blockSize = numberField(fields[1], "r="_L1);
    const auto parallelism = numberField(fields[2], "p="_L1);
    if (!log2N || !blockSize || !parallelism)
        return std::nullopt;

    DecodedHash hash;
    hash.parameters = { int(*log2N), *blockSize, *parallelism };
    if (*log2N < kMinReadableLog2N || *log2N > PasswordHasher::kMaxLog2N || *blockSize < 1
        || *blockSize > kMaxReadableBlockSize || *parallelism < 1
        || *parallelism > kMaxReadableParallelism)
        return std::nullopt;

    auto salt = decode64(parts[2]);
    auto key = decode64(parts[3]);
    if (!salt || !key || salt->size() < kMinReadableSaltBytes
        || salt->size() > kMaxReadableSaltBytes || key->size() < kMinReadableKeyBytes
        || key->size() > kMaxReadableKeyBytes)
        return std::nullopt;
    hash.salt = std::move(*salt);
    hash.key = std::move(*key);
    return hash;
}

} // namespace

PasswordHasher::PasswordHasher(int log2N)
    : m_log2N(std::clamp(log2N, kMinLog2N, kMaxLog2N))
{ }

QString PasswordHasher::hash(const QString &password) const
{
    QByteArray salt(kSaltBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), int(salt.size())) != 1)
        return {};
    const Parameters parameters { m_log2N, kBlockSize, kParallelism };
    WipedBytes utf8(password.toUtf8());
    WipedBytes key(kKeyBytes);
    if (!derive(utf8.bytes(), salt, parameters, key.bytes()))
        return {};
    return u"%1$ln=%2,r=%3,p=%4$%5$%6"_s.arg(kScheme)
        .arg(parameters.log2N)
        .arg(parameters.blockSize)
        .arg(parameters.parallelism)
        .arg(encode64(salt), encode64(key.bytes()));
}

bool PasswordHasher::verify(const QString &password, const QString &encoded) const
{
    const auto stored = decode(encoded);
    if (!stored)
        return false;
    WipedBytes utf8(password.toUtf8());
    WipedBytes key(stored->key.size());
    if (!derive(utf8.bytes(), stored->salt, stored->parameters, key.bytes()))
        return false;
    return CRYPTO_memcmp(key.bytes().constData(), stored->key.constData(),
                         size_t(key.bytes().size()))
        == 0;
}

} // namespace confab::server
