package browser

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

func TestTheBrowsersLanguageThenTheEnglishLinkChooseThePagesLanguage(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), chromium.Start(t)
	tab.Navigate(pageURL)
	if got := htmlLang(tab); got != "en" {
		t.Errorf(`a browser in English (headless Chromium's en-US) gets <html lang=%q>, want "en"`, got)
	}
	tab.AcceptLanguage("ja")
	tab.Navigate(pageURL)
	if got := htmlLang(tab); got != "ja" {
		t.Fatalf(`a browser in Japanese gets <html lang=%q>, want "ja"`, got)
	}
	tab.Load(chromedp.Click(chromedp.CSS("a#lang-en")))
	if got := htmlLang(tab); got != "en" {
		t.Fatalf(`after a#lang-en, <html lang=%q>, want "en"`, got)
	}
	// The choice is remembered: the next page, a check's result, is in English too.
	file := merchant + "mistakes.csv"
	check(t, tab, pageURL, file, http.StatusOK)
	if got := htmlLang(tab); got != "en" {
		t.Errorf(`the result page after a#lang-en has <html lang=%q>, want "en"`, got)
	}
	sameVerdicts(t, tab, validate(t, "en", file))
	tab.CheckBehaved()
}

func htmlLang(tab *chromium.Tab) string {
	return chromium.Run(tab, chromedp.Evaluate[string](`document.documentElement.lang`))
}
