#pragma once

#include <cstdint>
#include <string>

typedef struct ssl_st SSL;

namespace confab::bench::floor {

// One socket of either side, through TLS or, with --plain, straight to the kernel.
struct FloorConnection
{
    enum class Step { Done, Waiting, Failed };

    FloorConnection() = default;
    FloorConnection(const FloorConnection &) = delete;
    FloorConnection &operator=(const FloorConnection &) = delete;
    ~FloorConnection();

    // Bytes read into buffer; 0 when nothing more has arrived; -1 when the connection failed.
    int readSome(char *buffer, int size);
    // Bytes the kernel took, 0 when none fit; -1 when the connection failed.
    int writeSome(const char *data, int size);
    // One step of the handshake; with --plain, the TCP connect's outcome.
    Step handshake();

    int fd = -1;
    SSL *ssl = nullptr; // null with --plain
    bool established = false;
    std::string pending; // the sender's plaintext the kernel would not take yet
    std::string partial; // the receiver's start of a frame whose end has not arrived
};

void setNoDelay(int fd);

// Adds fd to epoll, or changes what it waits for. owner comes back with each event: a
// connection, or one of the descriptors it marks.
void watch(int epoll, int fd, uint32_t events, const void *owner);

} // namespace confab::bench::floor
