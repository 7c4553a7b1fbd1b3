package assets

import (
	"io/fs"
	"regexp"
	"sync"
)

// importRE finds a module's static imports of its siblings: `from
// "./x.js"` and a bare `import "./x.js"`. Every import in these files is
// of that form (assets_test.go checks that none is missed).
var importRE = regexp.MustCompile(`(?m)(?:\bfrom|^import)\s*"\./([A-Za-z0-9_.-]+\.js)"`)

var graph = sync.OnceValue(func() map[string][]string {
	g := map[string][]string{}
	names, _ := fs.Glob(FS, "*.js")
	for _, name := range names {
		src, err := fs.ReadFile(FS, name)
		if err != nil {
			continue
		}
		for _, m := range importRE.FindAllSubmatch(src, -1) {
			g[name] = append(g[name], string(m[1]))
		}
	}
	return g
})

// Modules returns every module that entry imports, directly or through
// others, each once, nearest first; entry itself is not among them. A
// page lists them as modulepreload links, so the browser asks for them
// all at once instead of finding each level of imports only after the
// level above it has arrived (on a classroom's Wi-Fi, a round trip per
// level). An entry that is not one of the embedded modules has none.
func Modules(entry string) []string {
	g := graph()
	seen := map[string]bool{entry: true}
	var out []string
	for queue := []string{entry}; len(queue) > 0; queue = queue[1:] {
		for _, dep := range g[queue[0]] {
			if !seen[dep] {
				seen[dep] = true
				out = append(out, dep)
				queue = append(queue, dep)
			}
		}
	}
	return out
}
