// SPDX-License-Identifier: MIT
#include "common/stop_request.h"

#include <signal.h>
#include <unistd.h>

#include <initializer_list>

namespace sasim {
namespace {

volatile sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
    if (g_stop_signal == 0) g_stop_signal = sig;
    // Only async-signal-safe calls here: write(2) and signal(2).
    static const char msg[] = "\nsasim: stopping (again to quit at once)\n";
    const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::signal(sig, SIG_DFL);
}

}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &sa, nullptr);
}

int stop_requested() { return g_stop_signal; }

}  // namespace sasim
