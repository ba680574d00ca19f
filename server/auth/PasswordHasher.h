#pragma once

#include <QString>

namespace confab::server {

// scrypt password hashes in a self-describing form,
//     scrypt$ln=17,r=8,p=1$<salt>$<key>
// (salt and key in unpadded base64), so that the cost can be raised later while stored hashes
// keep verifying with the parameters they were made with.
//
// One hash at the default cost takes a few hundred milliseconds of CPU and 128 MiB of memory:
// call it from KdfPool, never from a thread that serves sockets.
class PasswordHasher
{
public:
    static constexpr int kMinLog2N = 14;
    static constexpr int kMaxLog2N = 20;

    // log2N is clamped to [kMinLog2N, kMaxLog2N].
    explicit PasswordHasher(int log2N = 17);

    int log2N() const { return m_log2N; }

    // Empty when the system cannot supply randomness or memory for the hash.
    QString hash(const QString &password) const;
    // False for a wrong password and for anything that is not a hash this class can read.
    bool verify(const QString &password, const QString &encoded) const;

private:
    int m_log2N;
};

} // namespace confab::server
