package pagetest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Served is storeimport serve, or another of its commands, running as a child process.
type Served struct {
	URL     string // serve's page's address, without the trailing slash
	Process *os.Process

	stdout io.Reader

	lines  chan string // stderr's lines as they come, while there is room; closed at its end
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed

	mu     sync.Mutex
	stderr strings.Builder
}

// pageURL finds the page's address in the line serve prints once it listens.
var pageURL = regexp.MustCompile(`http://[^ ]+/`)

// StartServe starts bin serve with args (give it --addr 127.0.0.1:0) in the environment less its
// platform and database settings, and waits for the page's address. The process is killed when
// the test ends, if it is still running.
func StartServe(t testing.TB, bin string, args ...string) *Served {
	t.Helper()
	s := Start(t, bin, append([]string{"serve"}, args...)...)
	line, err := bufio.NewReader(s.stdout).ReadString('\n')
	url := pageURL.FindString(line)
	if err != nil || url == "" {
		t.Fatalf("serve printed no URL (%v): %q\n%s", err, line, s.Stderr())
	}
	s.URL = strings.TrimSuffix(url, "/")
	return s
}

// Start starts bin with args, a storeimport command, in that environment, and waits for nothing:
// its stderr is read as it comes, its stdout only by StartServe (a few lines). The process is
// killed when the test ends, if it is still running.
func Start(t testing.TB, bin string, args ...string) *Served {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = ChildEnv()
	endsWithTheTests(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Served{Process: cmd.Process, stdout: stdout, lines: make(chan string, 1024), exited: make(chan struct{})}
	go func() {
		for scan := bufio.NewScanner(stderr); scan.Scan(); {
			s.mu.Lock()
			s.stderr.WriteString(scan.Text() + "\n")
			s.mu.Unlock()
			select {
			case s.lines <- scan.Text():
			default:
			}
		}
		close(s.lines)
		s.err = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.exited
	})
	return s
}

// Stderr is what the command wrote on stderr so far.
func (s *Served) Stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// AwaitStderr waits at most wait for a line of stderr holding text; false when none came.
func (s *Served) AwaitStderr(text string, wait time.Duration) bool {
	timeout := time.After(wait)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				return false
			}
			if strings.Contains(line, text) {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// Wait waits at most wait for the command to exit: whether it exited, and its exit error.
func (s *Served) Wait(wait time.Duration) (exited bool, err error) {
	select {
	case <-s.exited:
		return true, s.err
	case <-time.After(wait):
		return false, nil
	}
}

// ChildEnv is the environment less its platform and database settings, so that a child
// storeimport takes only those its flags give.
func ChildEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ORG_PLATFORM_") && !strings.HasPrefix(kv, "STOREIMPORT_") {
			env = append(env, kv)
		}
	}
	return env
}
