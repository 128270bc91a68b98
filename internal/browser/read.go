package browser

import (
	"fmt"

	"github.com/chromedp/chromedp"
)

// Text is the text of the first element that matches the CSS selector, as a person sees it.
func (tab *Tab) Text(selector string) string {
	tab.t.Helper()
	return Run(tab, chromedp.Text(chromedp.CSS(selector)))
}

// Count is how many elements match the CSS selector now, without waiting for one.
func (tab *Tab) Count(selector string) int {
	tab.t.Helper()
	return Run(tab, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", selector)))
}

// Checked tells whether the checkbox or radio button that the CSS selector names is checked.
func (tab *Tab) Checked(selector string) bool {
	tab.t.Helper()
	return Run(tab, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q).checked", selector)))
}
