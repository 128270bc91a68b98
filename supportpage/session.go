package supportpage

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sessionCookie names the browser's session (sessionCookieOf adds the page's port): a random id,
// signed so that only ids this server made are taken. Its results and its CSRF token belong to it.
const sessionCookie = "storeimport_session"

// sessionCookieOf is the session cookie's name with the page's port: a browser sends a host's
// cookies to all its ports, and two pages on one machine would each take the other's cookie for
// a forged one and replace it.
func sessionCookieOf(r *http.Request) string {
	if local, ok := localAddr(r); ok {
		return sessionCookie + "_" + strconv.Itoa(local.Port)
	}
	return sessionCookie
}

// sessionIdle is how long a logged-in session lasts unused.
const sessionIdle = 12 * time.Hour

// Login attempts, from all browsers together, are let through at loginRate a second after a
// burst of loginBurst: guessing the password takes for ever, however many connections try.
const (
	loginRate  = 1
	loginBurst = 5
)

// secrets are the server's own random key and what it derives from it: session signatures, CSRF
// tokens and the password's hash, which is all that is kept of the password.
type secrets struct {
	key      []byte
	password []byte // HMAC of the password under key; nil when no password is asked for

	mu       sync.Mutex
	loggedIn map[string]time.Time // session id → last seen
}

func newSecrets(password []byte) (*secrets, error) {
	s := &secrets{key: make([]byte, 32), loggedIn: map[string]time.Time{}}
	if _, err := rand.Read(s.key); err != nil {
		return nil, err
	}
	if len(password) > 0 {
		s.password = s.mac("password", password)
	}
	return s, nil
}

func (s *secrets) mac(purpose string, value []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose + "\x00"))
	m.Write(value)
	return m.Sum(nil)
}

// passwordMatches compares in constant time, so that the answer's timing tells nothing.
func (s *secrets) passwordMatches(given string) bool {
	return hmac.Equal(s.mac("password", []byte(given)), s.password)
}

func (s *secrets) cookieValue(id string) string {
	return id + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", []byte(id)))
}

// sessionOf is the id a cookie value carries, when this server signed it.
func (s *secrets) sessionOf(value string) (string, bool) {
	id, sig, ok := strings.Cut(value, ".")
	if !ok {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return id, err == nil && hmac.Equal(got, s.mac("session", []byte(id)))
}

func (s *secrets) csrf(session string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf", []byte(session)))
}

func (s *secrets) csrfMatches(session, token string) bool {
	return hmac.Equal([]byte(s.csrf(session)), []byte(token))
}

func (s *secrets) login(session string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loggedIn[session] = now
}

func (s *secrets) isLoggedIn(session string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen, ok := s.loggedIn[session]
	if !ok || now.Sub(seen) > sessionIdle {
		delete(s.loggedIn, session)
		return false
	}
	s.loggedIn[session] = now
	return true
}

func (s *secrets) expire(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, seen := range s.loggedIn {
		if now.Sub(seen) > sessionIdle {
			delete(s.loggedIn, id)
		}
	}
}

// request is what the page knows of the browser asking.
type request struct {
	session  string
	lang     string
	csrf     string
	loggedIn bool // or no password is asked for
}

func (q *request) allowed() bool { return q.loggedIn }

type requestKey struct{}

func withRequest(ctx context.Context, q *request) context.Context {
	return context.WithValue(ctx, requestKey{}, q)
}

func requestOf(r *http.Request) *request { return r.Context().Value(requestKey{}).(*request) }

// begin finds the browser's session, or gives it one.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) *request {
	id, ok := "", false
	if c, err := r.Cookie(sessionCookieOf(r)); err == nil {
		id, ok = s.secrets.sessionOf(c.Value)
	}
	if !ok {
		id = s.newSession(w, r)
	}
	q := &request{session: id, lang: pageLang(r), csrf: s.secrets.csrf(id), loggedIn: true}
	if s.secrets.password != nil {
		q.loggedIn = s.secrets.isLoggedIn(id, time.Now())
	}
	return q
}

func (s *Server) newSession(w http.ResponseWriter, r *http.Request) string {
	id := rand.Text()
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookieOf(r),
		Value:    s.secrets.cookieValue(id),
		Path:     "/",
		HttpOnly: true,
		Secure:   s.hosts.secure(r),
		SameSite: http.SameSiteStrictMode,
	})
	return id
}

// login takes the password. A right one starts a new session, so that an id known before the
// login is worth nothing after it.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	q := requestOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(q, r.PostFormValue("csrf")) {
		s.forbidden(w, r)
		return
	}
	if s.secrets.password == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !s.logins.Allow() {
		v := s.newView(r, q)
		v.Login, v.Notice = true, &notice{ID: "login-error", Text: v.W.TooManyLogins}
		s.render(w, http.StatusTooManyRequests, v)
		return
	}
	if !s.secrets.passwordMatches(r.PostFormValue("password")) {
		s.askPassword(w, r, q, http.StatusUnauthorized, true)
		return
	}
	s.secrets.login(s.newSession(w, r), time.Now())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// csrfOK checks a form's token against the session's; a POST without the right one is refused.
func (s *Server) csrfOK(q *request, token string) bool {
	return s.secrets.csrfMatches(q.session, token)
}
