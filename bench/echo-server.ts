import 'reflect-metadata';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The references for HTTP figures: a bare NestJS + Fastify POST endpoint that only echoes its body, and a GET
 * that answers a small fixed document (the floor under query latencies).
 */
@Controller()
class EchoController {
  @Get('echo')
  fixed() {
    return { ok: true };
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  process.stdout.write(`listening on port ${typeof address === 'object' && address ? address.port : 0}\n`);
}

void main();
