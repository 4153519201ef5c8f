// Command oracle evaluates CEL expressions with CEL's reference implementation in the
// environment protovalidate-go builds (its CEL library: the options protovalidate sets, the
// string extensions, isEmail/isIp/unique/…), over the same variables as protogate's compiled
// cases, and prints one outcome a line: true, false, string:<text>, error or compile-error.
//
// Usage: go run . ../cases/differential.txt
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	pvcel "buf.build/go/protovalidate/cel"
	"github.com/google/cel-go/cel"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle CASES_FILE")
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer file.Close()

	env, err := cel.NewEnv(
		cel.Lib(pvcel.NewLibrary()),
		cel.Variable("i", cel.IntType),
		cel.Variable("n", cel.IntType),
		cel.Variable("big", cel.IntType),
		cel.Variable("u", cel.UintType),
		cel.Variable("d", cel.DoubleType),
		cel.Variable("flag", cel.BoolType),
		cel.Variable("s", cel.StringType),
		cel.Variable("e", cel.StringType),
		cel.Variable("b", cel.BytesType),
		cel.Variable("l", cel.ListType(cel.IntType)),
		cel.Variable("lu", cel.ListType(cel.UintType)),
		cel.Variable("ld", cel.ListType(cel.DoubleType)),
		cel.Variable("ls", cel.ListType(cel.StringType)),
		cel.Variable("ll", cel.ListType(cel.ListType(cel.IntType))),
		cel.Variable("m", cel.MapType(cel.StringType, cel.IntType)),
		cel.Variable("mi", cel.MapType(cel.IntType, cel.StringType)),
		cel.Variable("t", cel.TimestampType),
		cel.Variable("dur", cel.DurationType),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	t := time.Date(2024, 2, 29, 12, 30, 0, 500_000_000, time.UTC)
	vars := map[string]any{
		"i": int64(7), "n": int64(-3), "big": int64(math.MaxInt64), "u": uint64(5), "d": 2.5,
		"flag": true, "s": "héllo wörld", "e": "", "b": []byte("abc"),
		"l": []int64{1, 2, 3}, "lu": []uint64{1, 2, 3}, "ld": []float64{0.5, 1.5, math.NaN()},
		"ls": []string{"a", "bb", "ccc"}, "ll": [][]int64{{1, 2}, {}, {3}},
		"m": map[string]int64{"one": 1, "two": 2}, "mi": map[int64]string{1: "x", 2: "y"},
		"t": t, "now": t, "dur": 90 * time.Minute,
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintln(out, evaluate(env, line, vars))
	}
}

func evaluate(env *cel.Env, expression string, vars map[string]any) string {
	ast, issues := env.Compile(expression)
	if issues != nil && issues.Err() != nil {
		return "compile-error"
	}
	if !ast.OutputType().IsExactType(cel.BoolType) && !ast.OutputType().IsExactType(cel.StringType) {
		return "compile-error"
	}
	// protovalidate plans programs with constant folding (cel.OptOptimize): a call on constants
	// that fails (int("abc")) fails while planning. That is an evaluation error found early;
	// protogate finds it when the rule runs.
	program, err := env.Program(ast)
	if err != nil {
		return "error"
	}
	value, _, err := program.Eval(vars)
	if err != nil {
		return "error"
	}
	switch v := value.Value().(type) {
	case bool:
		return fmt.Sprint(v)
	case string:
		return "string:" + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), "\n", `\n`)
	default:
		return "error"
	}
}
