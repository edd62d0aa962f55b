// Benchmark driver (bench/feeds/run.sh): gofeed parses every file listed on stdin N times and
// prints `bytes items seconds`.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/mmcdole/gofeed"
)

func main() {
	rounds := 10
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	var docs [][]byte
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if b, err := os.ReadFile(sc.Text()); err == nil {
			docs = append(docs, b)
		}
	}
	p := gofeed.NewParser()
	total, items := 0, 0
	start := time.Now()
	for r := 0; r < rounds; r++ {
		for _, d := range docs {
			total += len(d)
			if f, err := p.Parse(bytes.NewReader(d)); err == nil {
				items += len(f.Items)
			}
		}
	}
	fmt.Printf("%d %d %.4f\n", total, items, time.Since(start).Seconds())
}
