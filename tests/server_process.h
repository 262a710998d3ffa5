// server_process.h - a crm-server process for tests and benchmarks: started
// on a free loopback port (the address it prints is read back), stopped with
// SIGTERM, or killed with SIGKILL and started again on the same port; it
// dies with the process that started it (start from the main thread).
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace crm::testing {

struct ServerProcess {
    pid_t pid = -1;
    std::string bin, url;
    std::vector<std::string> args;

    ServerProcess(std::string binary, std::vector<std::string> a) : bin(std::move(binary)), args(std::move(a)) { start(); }
    ~ServerProcess() { stop(SIGTERM); }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    void start(int port = 0) {
        std::vector<std::string> full = {bin};
        full.insert(full.end(), args.begin(), args.end());
        full.push_back("--port");
        full.push_back(std::to_string(port));
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid_t parent = getpid();
        pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            // A test that aborts runs no destructor: the server dies with it
            // rather than live on holding the test's output pipe open.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);
            dup2(out[1], 1);
            close(out[0]);
            close(out[1]);
            std::vector<char*> argv;
            for (std::string& s : full) argv.push_back(s.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        // "crm-server: listening on http://127.0.0.1:PORT (storage: ...)"
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
        close(out[0]);
        size_t p = line.find("http://");
        if (p == std::string::npos) {
            waitpid(pid, nullptr, 0);
            pid = -1;
            throw std::runtime_error("crm-server did not start: " + line);
        }
        url = line.substr(p, line.find(' ', p) - p);
    }
    int port() const { return std::atoi(url.substr(url.rfind(':') + 1).c_str()); }
    void stop(int sig) {
        if (pid <= 0) return;
        kill(pid, sig);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
    // kill -9, then start again on the same port and data.
    void crash_and_restart() {
        int p = port();
        stop(SIGKILL);
        for (int i = 0; i < 50; i++) {
            try {
                start(p);
                return;
            } catch (const std::exception&) {
                usleep(100000);
            }
        }
        throw std::runtime_error("crm-server did not start again on port " + std::to_string(p));
    }
};

}  // namespace crm::testing
