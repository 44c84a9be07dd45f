/*
 * ctx.c: the context switch under the fibers.
 *
 * On x86-64 and aarch64 a hand-written switch saves only what the ABI says
 * a callee must preserve (callee-saved registers, stack pointer, return
 * address, and the floating-point control state: MXCSR and the x87 control
 * word on x86-64, FPCR on aarch64) on the old stack, stores the stack
 * pointer, loads the new one and jumps into it.  That is a few
 * nanoseconds, against the signal-mask system call glibc's swapcontext
 * makes on every switch.  Elsewhere, ucontext is the portable fallback.
 */
#include "vt_internal.h"

#include <stdint.h>
#include <string.h>

#if defined(VT__ASM_SWITCH) && defined(__x86_64__)

/*
 * vt__ctx_swap(void **save_sp, void *load_sp)
 * Frame, from the saved sp up (0x40 bytes): MXCSR (4 bytes), x87 CW (2),
 * pad, r12, r13, r14, r15, rbx, rbp, return address.  The return address
 * is loaded into a register and jumped to, as Boost.Context's
 * jump_fcontext does: a `ret` here would pop an address the return-stack
 * predictor never saw pushed, and mispredict on every switch.
 * vt__ctx_start is where a new context first lands: r12 holds the
 * argument, r13 the function, which never returns.
 */
__asm__(".text\n"
	".globl vt__ctx_swap\n"
	".hidden vt__ctx_swap\n"
	".type vt__ctx_swap,@function\n"
	".p2align 4\n"
	"vt__ctx_swap:\n"
	"	leaq -0x38(%rsp), %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 0x4(%rsp)\n"
	"	movq %r12, 0x8(%rsp)\n"
	"	movq %r13, 0x10(%rsp)\n"
	"	movq %r14, 0x18(%rsp)\n"
	"	movq %r15, 0x20(%rsp)\n"
	"	movq %rbx, 0x28(%rsp)\n"
	"	movq %rbp, 0x30(%rsp)\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	movq 0x38(%rsp), %r8\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 0x4(%rsp)\n"
	"	movq 0x8(%rsp), %r12\n"
	"	movq 0x10(%rsp), %r13\n"
	"	movq 0x18(%rsp), %r14\n"
	"	movq 0x20(%rsp), %r15\n"
	"	movq 0x28(%rsp), %rbx\n"
	"	movq 0x30(%rsp), %rbp\n"
	"	leaq 0x40(%rsp), %rsp\n"
	"	jmp *%r8\n"
	".size vt__ctx_swap, .-vt__ctx_swap\n"
	".globl vt__ctx_start\n"
	".hidden vt__ctx_start\n"
	".type vt__ctx_start,@function\n"
	"vt__ctx_start:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size vt__ctx_start, .-vt__ctx_start\n");

void vt__ctx_start(void) VT__HIDDEN;

void vt__ctx_make(vt__ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
	/* After the frame is popped rsp is top - 16: 16-aligned, so the call
	 * in vt__ctx_start enters fn with the ABI's alignment. */
	uint64_t *sp = (uint64_t *)(top - 16 - 0x40);

	memset(sp, 0, 0x40);
	((uint32_t *)sp)[0] = 0x1F80;           /* MXCSR: all masked, nearest */
	((uint16_t *)sp)[2] = 0x037F;           /* x87 CW: ditto, 64-bit precision */
	sp[1] = (uint64_t)(uintptr_t)arg;       /* r12 */
	sp[2] = (uint64_t)(uintptr_t)fn;        /* r13 */
	sp[7] = (uint64_t)(uintptr_t)vt__ctx_start;
	c->sp = sp;
}

#elif defined(VT__ASM_SWITCH) && defined(__aarch64__)

/*
 * Frame (176 bytes): x19..x28, x29 (fp), x30 (lr), d8..d15, FPCR.
 * vt__ctx_start: x19 holds the argument, x20 the function.
 */
__asm__(".text\n"
	".globl vt__ctx_swap\n"
	".hidden vt__ctx_swap\n"
	".type vt__ctx_swap,%function\n"
	"vt__ctx_swap:\n"
	"	sub sp, sp, #176\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mrs x2, fpcr\n"
	"	str x2, [sp, #160]\n"
	"	mov x2, sp\n"
	"	str x2, [x0]\n"
	"	mov sp, x1\n"
	"	ldr x2, [sp, #160]\n"
	"	msr fpcr, x2\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #176\n"
	"	ret\n"
	".size vt__ctx_swap, .-vt__ctx_swap\n"
	".globl vt__ctx_start\n"
	".hidden vt__ctx_start\n"
	".type vt__ctx_start,%function\n"
	"vt__ctx_start:\n"
	"	mov x0, x19\n"
	"	blr x20\n"
	"	brk #0\n"
	".size vt__ctx_start, .-vt__ctx_start\n");

void vt__ctx_start(void) VT__HIDDEN;

void vt__ctx_make(vt__ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
	uint64_t *sp = (uint64_t *)(top - 176);

	memset(sp, 0, 176);
	sp[0] = (uint64_t)(uintptr_t)arg;               /* x19 */
	sp[1] = (uint64_t)(uintptr_t)fn;                /* x20 */
	sp[11] = (uint64_t)(uintptr_t)vt__ctx_start;    /* x30 */
	c->sp = sp;
}

#else /* ucontext fallback */

/*
 * makecontext passes int arguments only: the context record is split into
 * two 32-bit halves (the usual trick), and it holds fn and arg.
 */
static void ctx_start(unsigned hi, unsigned lo)
{
	vt__ctx *c = (vt__ctx *)(uintptr_t)(((uint64_t)hi << 32) | lo);

	c->fn(c->arg);
}

void vt__ctx_make(vt__ctx *c, void *lo, size_t size, void (*fn)(void *), void *arg)
{
	uint64_t p = (uint64_t)(uintptr_t)c;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = lo;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	c->fn = fn;
	c->arg = arg;
	makecontext(&c->uc, (void (*)(void))ctx_start, 2, (unsigned)(p >> 32),
		    (unsigned)p);
}

void vt__ctx_jump(vt__ctx *from, vt__ctx *to)
{
	swapcontext(&from->uc, &to->uc);
}

#endif
