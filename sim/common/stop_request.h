// SPDX-License-Identifier: MIT
// Ctrl-C and SIGTERM (docs/reliability.md, "Stopping"). After install_stop_handlers(), the first such
// signal only records itself and says on stderr that the run will stop; long work polls stop_requested()
// at its safe points (between layers, between search candidates) and stops there, keeping what is done.
// A second signal ends the process at once (the handler is reset to the default action).
#pragma once

namespace sasim {

void install_stop_handlers();
// 0, or the signal (SIGINT or SIGTERM) that asked the process to stop.
int stop_requested();

}  // namespace sasim
